/**
 * Interning of short strings keyed on their bytes: the tokenizer decodes a tag name, or a
 * short value such as an enum, once and afterwards hands out the same string without
 * decoding or allocating.
 *
 * @module
 */

import { decodeUtf8 } from "./decode.ts";

const SLOTS = 4096;

/**
 * A small two-way set-associative cache from bytes (plus their hash) to the decoded string:
 * each hash selects a pair of slots, the most recently added entry first.
 */
export class InternCache {
  readonly #keys: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly #strings: string[] = new Array(SLOTS).fill("");
  readonly #maxLength: number;
  readonly #accepts: (text: string) => boolean;

  /**
   * A cache that keeps strings of at most `maxLength` bytes (longer ones are decoded each
   * time) and hands out only strings that `accepts` approves of (checked when decoding).
   */
  constructor(maxLength: number, accepts: (text: string) => boolean = () => true) {
    this.#maxLength = maxLength;
    this.#accepts = accepts;
  }

  /**
   * The string spelled by `buf[start, end)`, whose bytes hash to `hash`; `undefined` for
   * invalid UTF-8 or a string the cache does not accept.
   */
  intern(buf: Uint8Array, start: number, end: number, hash: number): string | undefined {
    const length = end - start;
    const first = (Math.imul(hash, 0x9e3779b1) >>> 20) & ~1; // Fibonacci hashing, even slot
    if (this.#matches(first, buf, start, length)) return this.#strings[first];
    if (this.#matches(first + 1, buf, start, length)) return this.#strings[first + 1];
    const text = decodeUtf8(buf, start, end);
    if (text === undefined || !this.#accepts(text)) return undefined;
    if (length <= this.#maxLength) {
      this.#keys[first + 1] = this.#keys[first];
      this.#strings[first + 1] = this.#strings[first];
      this.#keys[first] = buf.slice(start, end);
      this.#strings[first] = text;
    }
    return text;
  }

  #matches(slot: number, buf: Uint8Array, start: number, length: number): boolean {
    const key = this.#keys[slot];
    if (key === undefined || key.length !== length) return false;
    let i = 0;
    while (i < length && key[i] === buf[start + i]) i++;
    return i === length;
  }

  /** {@link InternCache.intern} for bytes whose hash is not known yet. */
  internUnhashed(buf: Uint8Array, start: number, end: number): string | undefined {
    let hash = 0;
    for (let i = start; i < end; i++) hash = (hash * 31 + buf[i]) | 0;
    return this.intern(buf, start, end, hash);
  }
}

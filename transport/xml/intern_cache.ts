/**
 * Interning of short strings keyed on their bytes: the tokenizer decodes a tag name, or a
 * short value such as an enum, once and afterwards hands out the same string without
 * decoding or allocating.
 *
 * @module
 */

import { decodeUtf8, sameAcross } from "./decode.ts";

const DEFAULT_SLOTS = 4096;

/** How an {@link InternCache} takes in strings it has not seen. */
export interface InternOptions {
  /** Only strings the cache may hand out (checked when decoding); default: all. */
  accepts?: (text: string) => boolean;
  /**
   * Keep a string only when its hash has been seen just before in the same slot pair, so
   * that values that never repeat (ids of objects met once) cost no copy. Default false.
   */
  secondSighting?: boolean;
  /**
   * Number of entries, a power of two of at least 4 (default 4096). A cache whose entries keep changing
   * should stay small: each string it holds may pin a page of the old generation.
   */
  slots?: number;
  /** Keep a copy of each string's bytes for {@link InternCache.lastKey}. Default false. */
  keepKeys?: boolean;
  /** Keep each string's {@link pathTail} for {@link InternCache.lastTail}. Default false. */
  keepTails?: boolean;
}

/**
 * A small two-way set-associative cache from bytes (plus their hash) to the decoded string:
 * each hash selects a pair of slots, the most recently added entry first. The bytes of the
 * keys live in one fixed pool, so adding an entry allocates nothing but its string.
 */
export class InternCache {
  readonly #pool: Uint8Array;
  readonly #poolWords: DataView;
  readonly #lengths: Int32Array;
  readonly #strings: string[];
  readonly #sightings: Int32Array;
  readonly #shift: number; // turns a 32-bit hash into a pair index
  readonly #maxLength: number;
  readonly #accepts: ((text: string) => boolean) | undefined;
  readonly #secondSighting: boolean;
  readonly #keys: Uint8Array[] | undefined;
  readonly #tails: string[] | undefined;
  /**
   * With `keepKeys`: the bytes of the string the last {@link InternCache.intern} returned
   * (shared; do not modify).
   */
  lastKey: Uint8Array = new Uint8Array(0);
  /** With `keepTails`: the {@link pathTail} of the string {@link InternCache.find} found last. */
  lastTail = "";

  /**
   * A cache that keeps strings of at most `maxLength` bytes (longer ones are decoded each
   * time).
   */
  constructor(maxLength: number, options: InternOptions = {}) {
    this.#maxLength = maxLength;
    const slots = options.slots ?? DEFAULT_SLOTS;
    if (slots < 4 || (slots & (slots - 1)) !== 0) {
      throw new RangeError("slots: a power of two, at least 4");
    }
    this.#lengths = new Int32Array(slots).fill(-1);
    this.#strings = new Array(slots).fill("");
    this.#sightings = new Int32Array(slots / 2);
    this.#shift = 33 - Math.log2(slots);
    this.#pool = new Uint8Array(slots * maxLength);
    this.#poolWords = new DataView(this.#pool.buffer);
    this.#accepts = options.accepts;
    this.#secondSighting = options.secondSighting === true;
    this.#keys = options.keepKeys === true ? new Array(slots).fill(this.lastKey) : undefined;
    this.#tails = options.keepTails === true ? new Array(slots).fill("") : undefined;
  }

  /**
   * The string spelled by `buf[start, end)`, whose bytes hash to `hash`; `undefined` for
   * invalid UTF-8 or a string the cache does not accept.
   */
  intern(buf: Uint8Array, start: number, end: number, hash: number): string | undefined {
    const cached = this.find(buf, start, end, hash);
    if (cached !== undefined) return cached;
    const text = decodeUtf8(buf, start, end);
    if (text === undefined || (this.#accepts !== undefined && !this.#accepts(text))) {
      return undefined;
    }
    this.remember(buf, start, end, hash, text);
    return text;
  }

  /**
   * The cached string spelled by `buf[start, end)` (whose bytes hash to `hash`), if any.
   * With `words`, a view of `buf`, long keys are compared eight bytes at a time.
   */
  find(
    buf: Uint8Array,
    start: number,
    end: number,
    hash: number,
    words?: DataView,
  ): string | undefined {
    const length = end - start;
    const first = (Math.imul(hash, 0x9e3779b1) >>> this.#shift) << 1; // Fibonacci hashing
    for (let slot = first; slot <= first + 1; slot++) {
      if (this.#matches(slot, buf, start, length, words)) {
        if (this.#keys !== undefined) this.lastKey = this.#keys[slot];
        if (this.#tails !== undefined) this.lastTail = this.#tails[slot];
        return this.#strings[slot];
      }
    }
    return undefined;
  }

  /**
   * Offers `text`, the string spelled by `buf[start, end)` (whose bytes hash to `hash`),
   * to the cache, which keeps it unless it is too long or not seen for the second time.
   */
  remember(buf: Uint8Array, start: number, end: number, hash: number, text: string): void {
    const length = end - start;
    const pair = Math.imul(hash, 0x9e3779b1) >>> this.#shift;
    const first = pair << 1;
    const keys = this.#keys;
    if (keys !== undefined) this.lastKey = buf.slice(start, end);
    if (length > this.#maxLength) return;
    if (this.#secondSighting && this.#sightings[pair] !== hash) {
      this.#sightings[pair] = hash;
      return;
    }
    if (keys !== undefined) {
      keys[first + 1] = keys[first];
      keys[first] = this.lastKey;
    }
    if (this.#tails !== undefined) {
      this.#tails[first + 1] = this.#tails[first];
      this.#tails[first] = pathTail(text);
    }
    this.#lengths[first + 1] = this.#lengths[first];
    this.#strings[first + 1] = this.#strings[first];
    const max = this.#maxLength, pool = this.#pool;
    pool.copyWithin((first + 1) * max, first * max, first * max + max);
    for (let k = 0, at = first * max; k < length; k++) pool[at + k] = buf[start + k];
    this.#lengths[first] = length;
    this.#strings[first] = text;
  }

  #matches(
    slot: number,
    buf: Uint8Array,
    start: number,
    length: number,
    words: DataView | undefined,
  ): boolean {
    if (this.#lengths[slot] !== length) return false;
    const pool = this.#pool, at = slot * this.#maxLength;
    // Keys are text, with no zero byte, as sameAcross needs.
    if (words !== undefined) {
      return sameAcross(this.#poolWords, pool, at, words, buf, start, length);
    }
    let i = 0;
    while (i < length && pool[at + i] === buf[start + i]) i++;
    return i === length;
  }

  /** {@link InternCache.intern} for bytes whose hash is not known yet. */
  internUnhashed(buf: Uint8Array, start: number, end: number): string | undefined {
    return this.intern(buf, start, end, hashBytes(buf, start, end));
  }
}

/** The hash of `buf[start, end)` that {@link InternCache.internUnhashed} uses. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0;
  for (let i = start; i < end; i++) hash = (hash * 31 + buf[i]) | 0;
  return hash;
}

/**
 * What follows the last `/` of `text` (a reference's `id` at the end of its `href`); empty
 * when `text` has no `/` or holds a quote (then no attribute value of its own can hold it).
 */
export function pathTail(text: string): string {
  const slash = text.lastIndexOf("/");
  return slash < 0 || text.includes('"') || text.includes("'") ? "" : text.slice(slash + 1);
}

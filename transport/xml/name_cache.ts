/**
 * Interning of XML names keyed on their bytes, so that the tokenizer decodes a tag or
 * attribute name once and afterwards hands out the same string without decoding.
 *
 * @module
 */

import { decodeUtf8, isXmlName } from "./decode.ts";

const SLOTS = 1024;
const MAX_CACHED_LENGTH = 64;

/** A small direct-mapped cache from name bytes (plus their hash) to the decoded name. */
export class NameCache {
  readonly #keys: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly #names: string[] = new Array(SLOTS).fill("");

  /**
   * The name spelled by `buf[start, end)`, whose bytes hash to `hash`; `ascii` tells
   * whether every byte is below 0x80 (such names were already checked by the scanner).
   * Returns `undefined` when the bytes are not a valid XML name.
   */
  intern(
    buf: Uint8Array,
    start: number,
    end: number,
    hash: number,
    ascii: boolean,
  ): string | undefined {
    const length = end - start;
    const slot = hash & (SLOTS - 1);
    const key = this.#keys[slot];
    if (key !== undefined && key.length === length) {
      let i = 0;
      while (i < length && key[i] === buf[start + i]) i++;
      if (i === length) return this.#names[slot];
    }
    const name = decodeUtf8(buf, start, end);
    if (name === undefined || (!ascii && !isXmlName(name))) return undefined;
    if (length <= MAX_CACHED_LENGTH) {
      this.#keys[slot] = buf.slice(start, end);
      this.#names[slot] = name;
    }
    return name;
  }
}

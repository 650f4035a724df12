/**
 * Fast decoding of many small values from one buffer: a window of the buffer is decoded in
 * one call and, when it is pure ASCII, values inside it are cut out of that string.
 *
 * @module
 */

import { decodeUtf8 } from "./decode.ts";

const WINDOW_BYTES = 64 * 1024;
const MIN_VIEW_LENGTH = 13; // V8 copies shorter slices
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes ranges of a buffer. Cutting a value out of an ASCII window costs far less than
 * decoding it alone; windows holding other bytes fall back to decoding each value.
 * Call {@link TextWindow.reset} whenever the buffer changes.
 */
export class TextWindow {
  #text = "";
  #start = 0;
  #end = 0;
  #ascii = false;

  /** Forgets the current window (the buffer was replaced or moved). */
  reset(): void {
    this.#start = this.#end = 0;
    this.#text = "";
  }

  /**
   * `buf[start, end)` decoded as UTF-8, with `buf[0, length)` the valid part of the buffer;
   * `undefined` for invalid UTF-8.
   */
  decode(buf: Uint8Array, length: number, start: number, end: number): string | undefined {
    if (start === end) return "";
    if (start < this.#start || end > this.#end) this.#open(buf, length, start, end);
    if (!this.#ascii) return decodeUtf8(buf, start, end);
    const text = this.#text.slice(start - this.#start, end - this.#start);
    // V8 makes a long slice a view that keeps the whole window alive; concatenating and
    // slicing again leaves a view of a private copy instead.
    return end - start < MIN_VIEW_LENGTH ? text : (text + " ").slice(0, -1);
  }

  #open(buf: Uint8Array, length: number, start: number, end: number): void {
    const windowEnd = Math.min(length, Math.max(end, start + WINDOW_BYTES));
    this.#start = start;
    this.#end = windowEnd;
    try {
      this.#text = strictUtf8.decode(buf.subarray(start, windowEnd));
      this.#ascii = this.#text.length === windowEnd - start;
    } catch {
      this.#text = "";
      this.#ascii = false;
    }
  }
}

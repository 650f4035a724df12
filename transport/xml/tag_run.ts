/**
 * The tags between two leaf values, remembered to be matched whole. In a list, each object
 * repeats the same `</name>\n    <description>` between the texts of its members; the plain
 * reader keeps, per struct and member, the bytes that followed the member's text last time,
 * and when the next object has the same bytes there, goes straight to the next text.
 *
 * @module
 */

import { sameAcross } from "./decode.ts";
import type { MemberInfo } from "./schema.ts";

/** Longest run of tags remembered; the reader uses runs only when tokens may be this long. */
export const MAX_TAG_RUN = 96;

/**
 * The end tag of a leaf member, white space, and the start tag (without attributes) of the
 * next leaf member, as they were read.
 */
export class TagRun {
  readonly #bytes: Uint8Array;
  readonly #words: DataView;
  /** The member of the leaf whose start tag ends the run. */
  readonly next: MemberInfo;
  /** The length of that start tag's name. */
  readonly nameLength: number;

  /** The run `bytes`, ending with the start tag of `next` named in its last `nameLength + 1` bytes. */
  constructor(bytes: Uint8Array, next: MemberInfo, nameLength: number) {
    this.#bytes = bytes;
    this.#words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.next = next;
    this.nameLength = nameLength;
  }

  /** The length of the run. */
  get length(): number {
    return this.#bytes.length;
  }

  /** Whether `buf[at, end)` starts with this run; `words` views `buf`. */
  matchAt(buf: Uint8Array, words: DataView, at: number, end: number): boolean {
    const bytes = this.#bytes;
    return at + bytes.length <= end &&
      sameAcross(this.#words, bytes, 0, words, buf, at, bytes.length);
  }
}

/**
 * Runs of links as engines write them, remembered to be matched whole. An object's
 * `<link href="PARENT/rel" rel="rel"/>` elements, and those of its `<actions>`, repeat from
 * one object of a list to the next with only the parent's href changed. The plain reader
 * keeps the last such run it read one link at a time, with the parent's href cut out, and
 * reads the next object's run by comparing the bytes four at a time.
 *
 * @module
 */

import { sameAcross } from "./decode.ts";
import type { MemberInfo } from "./schema.ts";

/** Fewer links than this are not worth remembering. */
export const MIN_RUN_LINKS = 2;

/**
 * A run of links, each as `<link href="H/R" rel="R"/>` with only white space between
 * them, where H is the href of the object the links belong to.
 */
export class LinkRun {
  /** The run as it was read, from the first link's `<` to the last one's `>`. */
  readonly bytes: Uint8Array;
  readonly #words: DataView;
  /** Where in {@link bytes} each link's copy of the parent's href starts. */
  readonly #holes: Int32Array;
  /** The length of the parent's href the run was read with. */
  readonly #holeLength: number;
  /** The list link member of each link (`undefined`: a rel the struct does not have). */
  readonly members: readonly (MemberInfo | undefined)[];

  /**
   * The run `bytes`, whose links hold the parent's href of `holeLength` bytes at each of
   * `holes`, and are the links of `members`.
   */
  constructor(
    bytes: Uint8Array,
    holes: readonly number[],
    holeLength: number,
    members: readonly (MemberInfo | undefined)[],
  ) {
    this.bytes = bytes;
    this.#words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.#holes = Int32Array.from(holes);
    this.#holeLength = holeLength;
    this.members = members;
  }

  /**
   * Whether `buf[at, end)` is this run with the parent's href `buf[href, href + length)` in
   * place of the one it was read with; `words` views `buf`. Returns the index after the run,
   * or -1 (the input running out included).
   */
  matchAt(
    buf: Uint8Array,
    words: DataView,
    at: number,
    end: number,
    href: number,
    length: number,
  ): number {
    const bytes = this.bytes, holes = this.#holes;
    let from = 0, i = at;
    for (let k = 0; k < holes.length; k++) {
      const gap = holes[k] - from;
      if (i + gap + length > end) return -1;
      if (!sameAcross(this.#words, bytes, from, words, buf, i, gap)) return -1;
      i += gap;
      if (!sameAcross(words, buf, href, words, buf, i, length)) return -1;
      i += length;
      from = holes[k] + this.#holeLength;
    }
    const tail = bytes.length - from;
    if (i + tail > end || !sameAcross(this.#words, bytes, from, words, buf, i, tail)) return -1;
    return i + tail;
  }
}

/**
 * Runs of links as engines write them, remembered to be matched whole. An object's
 * `<link href="PARENT/rel" rel="rel"/>` elements, and those of its `<actions>`, repeat from
 * one object of a list to the next with only the parent's href changed. The plain reader
 * keeps the last two such runs it read one link at a time, with the parent's href cut out,
 * and reads the next object's run by comparing the bytes eight at a time.
 *
 * @module
 */

import { sameAcross } from "./decode.ts";
import { ByteRun } from "./byte_run.ts";
import type { MemberInfo } from "./schema.ts";

/** Fewer links than this are not worth remembering. */
export const MIN_RUN_LINKS = 2;
/** The place in `StructInfo.linkRuns` of the runs of a struct's own links. */
export const MEMBER_LINKS = 0;
/** The place in `StructInfo.linkRuns` of the runs of links of an unknown child (`<actions>`). */
export const CHILD_LINKS = 1;

/**
 * A run of links, each as `<link href="H/R" rel="R"/>` with only white space between
 * them, where H is the href of the object the links belong to: the bytes between the
 * copies of H, and the member of each link.
 */
export class LinkRun {
  readonly #segments: ByteRun[];
  /** The length of the run as it was read. */
  readonly length: number;
  /** The list link member of each link (`undefined`: a rel the struct does not have). */
  readonly members: readonly (MemberInfo | undefined)[];

  /**
   * The run `buf[start, end)` (`words` views `buf`), whose links hold the parent's href of
   * `hrefLength` bytes at each of `hrefs`, and are the links of `members`.
   */
  constructor(
    buf: Uint8Array,
    words: DataView,
    start: number,
    end: number,
    hrefs: readonly number[],
    hrefLength: number,
    members: readonly (MemberInfo | undefined)[],
  ) {
    this.#segments = [];
    let from = start;
    for (const href of hrefs) {
      this.#segments.push(new ByteRun(buf, words, from, href));
      from = href + hrefLength;
    }
    this.#segments.push(new ByteRun(buf, words, from, end));
    this.length = end - start;
    this.members = members;
  }

  /**
   * Whether `buf[at, end)` starts with this run with the parent's href `buf[href, href +
   * length)` in place of the one it was read with; `words` views `buf`. Returns the index
   * after the run, or -1 (the input running out included).
   */
  matchAt(
    buf: Uint8Array,
    words: DataView,
    at: number,
    end: number,
    href: number,
    length: number,
  ): number {
    const segments = this.#segments, last = segments.length - 1;
    let i = at;
    for (let k = 0; k < last; k++) {
      const segment = segments[k];
      if (!segment.matchAt(buf, words, i, end)) return -1;
      i += segment.length;
      if (i + length > end || !sameAcross(words, buf, href, words, buf, i, length)) return -1;
      i += length;
    }
    return segments[last].matchAt(buf, words, i, end) ? i + segments[last].length : -1;
  }
}

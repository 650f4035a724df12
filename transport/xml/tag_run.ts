/**
 * The tags between two leaf values, remembered to be matched whole. In a list, each object
 * repeats the same `</name>\n    <description>` between the texts of its members; the plain
 * reader keeps, per struct and member, the bytes that followed the member's text the last
 * two times, and when the next object has the same bytes there, goes straight to the next
 * text.
 *
 * @module
 */

import { ByteRun } from "./byte_run.ts";
import type { MemberInfo } from "./schema.ts";

/** Longest run of tags remembered; the reader uses runs only when tokens may be this long. */
export const MAX_TAG_RUN = 96;

/**
 * The end tag of a leaf member, white space, and the start tag (without attributes) of the
 * next leaf member, as they were read.
 */
export class TagRun extends ByteRun {
  /** The member of the leaf whose start tag ends the run. */
  readonly next: MemberInfo;
  /** The length of that start tag's name. */
  readonly nameLength: number;

  /**
   * The run `buf[start, end)` (`words` views `buf`), ending with the start tag of `next`
   * named in its last `nameLength + 1` bytes.
   */
  constructor(
    buf: Uint8Array,
    words: DataView,
    start: number,
    end: number,
    next: MemberInfo,
    nameLength: number,
  ) {
    super(buf, words, start, end);
    this.next = next;
    this.nameLength = nameLength;
  }
}

/**
 * What comes before a child element of a struct, up to and including the byte after its
 * name: white space, then `<` and the name, then `>` or the space before its attributes, as
 * they were read after the same child position of an object of the struct.
 */
export class ChildRun extends ByteRun {
  /** The member of the child; `undefined` for a `<link>` or an element the struct lacks. */
  readonly member: MemberInfo | undefined;
  /** Whether the child is a `<link>`. */
  readonly isLink: boolean;
  /** The length of the child's name. */
  readonly nameLength: number;

  /**
   * The run `buf[start, end)` (`words` views `buf`) before the child of `member` (or a link,
   * `isLink`) whose name is `nameLength` bytes before the run's last byte.
   */
  constructor(
    buf: Uint8Array,
    words: DataView,
    start: number,
    end: number,
    member: MemberInfo | undefined,
    isLink: boolean,
    nameLength: number,
  ) {
    super(buf, words, start, end);
    this.member = member;
    this.isLink = isLink;
    this.nameLength = nameLength;
  }
}

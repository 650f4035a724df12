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
 * Bytes read up to a child's start tag, through its name and the byte after it (`>`, or the
 * space before its attributes): after a leaf's text, its end tag, white space and the next
 * leaf's start tag; or, at a child position of a struct, white space and the start tag of
 * the child that came next. `Member` is what the child can be: a leaf after a leaf, and
 * anything (`undefined` for a `<link>` or an element the struct lacks) after other children.
 */
export class TagRun<Member extends MemberInfo | undefined = MemberInfo | undefined>
  extends ByteRun {
  /** The member of the child whose start tag ends the run. */
  readonly member: Member;
  /** Whether that child is a `<link>`. */
  readonly isLink: boolean;
  /** The length of the child's name, which ends one byte before the run does. */
  readonly nameLength: number;

  /** The run `buf[start, end)` (`words` views `buf`) before the child of `member` (or a link). */
  constructor(
    buf: Uint8Array,
    words: DataView,
    start: number,
    end: number,
    member: Member,
    isLink: boolean,
    nameLength: number,
  ) {
    super(buf, words, start, end);
    this.member = member;
    this.isLink = isLink;
    this.nameLength = nameLength;
  }
}

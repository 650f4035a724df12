/**
 * The tags between two leaf values, remembered to be matched whole. In a list, each object
 * repeats the same `</name>\n    <description>` between the texts of its members; the plain
 * reader keeps, per struct and member, the bytes that followed the member's text last time,
 * and when the next object has the same bytes there, goes straight to the next text.
 *
 * @module
 */

import type { MemberInfo } from "./schema.ts";

/** Longest run of tags remembered; the reader uses runs only when tokens may be this long. */
export const MAX_TAG_RUN = 96;

/**
 * The end tag of a leaf member, white space, and the start tag (without attributes) of the
 * next leaf member, as they were read. The bytes are kept as eight-byte words (doubles)
 * and a tail in plain arrays, which cost far less to make than a typed array of their own:
 * runs are made whenever the tags after a member change.
 */
export class TagRun {
  readonly #words: number[];
  readonly #tail: number[];
  /** The length of the run in bytes. */
  readonly length: number;
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
    this.length = end - start;
    const wordEnd = start + (this.length & ~7);
    this.#words = [];
    for (let at = start; at < wordEnd; at += 8) this.#words.push(words.getFloat64(at, true));
    this.#tail = Array.from(buf.subarray(wordEnd, end));
    this.next = next;
    this.nameLength = nameLength;
  }

  /**
   * Whether `buf[at, end)` starts with this run; `words` views `buf`. (A run is text, with
   * no zero byte, so equal doubles mean equal bytes; see `sameAcross`.)
   */
  matchAt(buf: Uint8Array, words: DataView, at: number, end: number): boolean {
    if (at + this.length > end) return false;
    const runWords = this.#words, tail = this.#tail;
    for (let k = 0; k < runWords.length; k++) {
      if (words.getFloat64(at + 8 * k, true) !== runWords[k]) return false;
    }
    const tailAt = at + 8 * runWords.length;
    for (let k = 0; k < tail.length; k++) if (buf[tailAt + k] !== tail[k]) return false;
    return true;
  }
}

/**
 * The last two {@link TagRun}s after each leaf member of a struct, most recent first: a
 * member followed by either of two tags (an optional element present in some objects of a
 * list and not in others) keeps a run for each, instead of making one at every change.
 */
export class TagRuns {
  readonly #runs: (TagRun | undefined)[];

  /** No runs yet, for a struct of `memberCount` members. */
  constructor(memberCount: number) {
    this.#runs = new Array(2 * memberCount).fill(undefined);
  }

  /** The most recent run after member `index`. */
  first(index: number): TagRun | undefined {
    return this.#runs[2 * index];
  }

  /** The run after member `index` before {@link TagRuns.first}. */
  second(index: number): TagRun | undefined {
    return this.#runs[2 * index + 1];
  }

  /** Makes `run` the most recent run after member `index`. */
  remember(index: number, run: TagRun): void {
    this.#runs[2 * index + 1] = this.#runs[2 * index];
    this.#runs[2 * index] = run;
  }

  /** Forgets every run. */
  clear(): void {
    this.#runs.fill(undefined);
  }
}

/**
 * Reading imageio's list of extents as it arrives. The daemon sends the whole list in one
 * JSON answer, about 75 bytes an extent, so a fragmented disk's list may be far larger than
 * a small answer: it is parsed extent by extent (the text is never held whole, and no string
 * grows past one extent), within a limit of bytes that fits the image's size and a limit on
 * how long the answer may stay silent.
 *
 * @module
 */

import { OvirtError, TimeoutError } from "../../transport/errors.ts";
import { ANSWER_LIMIT } from "./answer.ts";
import type { Extent } from "./holes.ts";

/**
 * The smallest extent a daemon reports: a sector. qemu tells data from zeros no finer than
 * its request alignment, 512 bytes at least (a qcow2 cluster, a filesystem block or a
 * device's sector), and imageio merges neighbours of the same kind.
 */
const SMALLEST_EXTENT = 512;

/**
 * Most bytes one extent takes in the answer: imageio's `{"start": S, "length": L, "zero":
 * false, "hole": false}, ` is 55 bytes besides the digits of two numbers below 2^53 (16 each
 * at most); the rest is room for another daemon's spacing or one more field.
 */
const EXTENT_BYTES = 128;

/**
 * Most bytes of the extents answer for an image of `size` bytes: as many extents as it can
 * hold at one per {@link SMALLEST_EXTENT}, {@link EXTENT_BYTES} each, and never less than a
 * small answer's limit.
 */
export function extentsLimit(size: number): number {
  return Math.max(ANSWER_LIMIT, (Math.ceil(size / SMALLEST_EXTENT) + 1) * EXTENT_BYTES);
}

/** The error of an extents answer longer than the limit it was read with. */
export class ExtentsTooLong extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "ExtentsTooLong";
}

/** How {@link readExtents} reads an answer. */
export interface ExtentsReading {
  /** Most bytes read: past it, the answer is cut and the call rejects. */
  limit: number;
  /** Most milliseconds without a byte of the answer. */
  timeout: number;
  /** The request, for messages (`GET extents on ORIGIN`). */
  what: string;
}

/**
 * The extents of the JSON list `body` carries, checked to follow each other from byte 0.
 * Rejects with an {@link OvirtError} for an answer that is no list of extents, an
 * {@link ExtentsTooLong} for one longer than `limit` bytes, a {@link TimeoutError} for one that stays silent for `timeout` ms (the
 * body is cancelled then).
 */
export async function readExtents(
  body: ReadableStream<Uint8Array>,
  { limit, timeout, what }: ExtentsReading,
): Promise<Extent[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const list = new ExtentList(what);
  let length = 0;
  let ended = false;
  try {
    for (;;) {
      const chunk = await withinTime(reader.read(), timeout, what);
      if (chunk.done) break;
      length += chunk.value.byteLength;
      if (length > limit) {
        throw new ExtentsTooLong(`${what}: the answer is larger than ${limit} bytes`);
      }
      list.push(decoder.decode(chunk.value, { stream: true }));
    }
    ended = true;
  } finally {
    if (!ended) reader.cancel().catch(() => {});
  }
  list.push(decoder.decode());
  return list.end();
}

/** `read`, or a {@link TimeoutError} when it does not settle within `timeout` ms. */
async function withinTime<T>(read: Promise<T>, timeout: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TimeoutError(`${what}: the rest of the answer did not arrive within ${timeout} ms`),
      );
    }, timeout);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Where the parse of the list is: before `[`, before an item, in one, after one, past `]`. */
type Place = "start" | "first" | "next" | "item" | "after" | "end";

const QUOTE = 0x22, BACKSLASH = 0x5c;

/** A JSON list of extent objects, given piece by piece. */
class ExtentList {
  readonly #what: string;
  readonly #extents: Extent[] = [];
  #place: Place = "start";
  /** Nesting of `{` and `[` in the item being read, and where its strings are. */
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The item's text so far, when it spans pieces. */
  #pieces: string[] = [];
  /** Where the next extent must start. */
  #end = 0;

  constructor(what: string) {
    this.#what = what;
  }

  /** Takes the next piece of the answer's text. */
  push(text: string): void {
    let from = 0; // where the item being read starts in `text`
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.#place === "item") {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (code === BACKSLASH) this.#escaped = true;
          else if (code === QUOTE) this.#inString = false;
        } else if (code === QUOTE) {
          this.#inString = true;
        } else if (code === 0x7b || code === 0x5b) { // { [
          this.#depth++;
        } else if ((code === 0x7d || code === 0x5d) && --this.#depth === 0) { // } ]
          this.#pieces.push(text.slice(from, i + 1));
          this.#add(this.#pieces.join(""));
          this.#pieces = [];
          this.#place = "after";
        }
        continue;
      }
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) continue;
      const char = text[i];
      if (this.#place === "start" && char === "[") this.#place = "first";
      else if (this.#place === "start") throw this.#notList();
      else if (this.#place === "first" && char === "]") this.#place = "end";
      else if ((this.#place === "first" || this.#place === "next") && char === "{") {
        this.#place = "item";
        this.#depth = 1;
        from = i;
      } else if (this.#place === "after" && char === ",") this.#place = "next";
      else if (this.#place === "after" && char === "]") this.#place = "end";
      else throw this.#notJson();
    }
    if (this.#place === "item") this.#pieces.push(text.slice(from));
  }

  /** The extents, once the whole answer was given. */
  end(): Extent[] {
    if (this.#place !== "end") throw this.#notJson();
    return this.#extents;
  }

  #add(text: string): void {
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch {
      throw this.#notJson();
    }
    const { start, length, zero } = item as Partial<Record<string, unknown>>;
    if (
      start !== this.#end || typeof length !== "number" || !Number.isSafeInteger(length) ||
      length < 0
    ) {
      throw new OvirtError(`The image server's extents are not contiguous at byte ${this.#end}`);
    }
    this.#end += length;
    this.#extents.push({ start: this.#end - length, length, zero: zero === true });
  }

  #notJson(): OvirtError {
    return new OvirtError(`${this.#what}: the answer is not JSON`);
  }

  #notList(): OvirtError {
    return new OvirtError("The server sent extents that are not a list");
  }
}

/**
 * A pull tokenizer for XML documents arriving as `Uint8Array` chunks. It works on bytes,
 * checks well-formedness as it goes, and decodes names (interned) and values (on request).
 *
 * @module
 */

import {
  AMP,
  BANG,
  CR,
  DASH,
  DQUOTE,
  EQUALS,
  GT,
  LF,
  LT,
  QUESTION,
  RBRACKET,
  SLASH,
  SQUOTE,
  TAB,
} from "./ascii.ts";
import { OvirtError } from "../errors.ts";
import { takeFrontRoom } from "./front_room.ts";
import {
  CHAR_CLASS,
  countLineFeeds,
  decodeEscaped,
  decodeUtf8,
  isBlank,
  type Latin1View,
  latin1View,
  matchNameBytes,
  MAX_REFERENCE_LENGTH,
  NAME_CHAR,
  NAME_START,
  referencedCodePoint,
  SHORT_TEXT_LIMIT,
  shortAsciiText,
  SPACE,
  TEXT_SPECIAL,
  VALUE_SPECIAL,
} from "./decode.ts";
import { NAME_CACHE, nameHash } from "./shared_caches.ts";
import { isAscii } from "node:buffer";

/** {@link XmlTokenizer.next} result: the buffered input ends inside a token; push more. */
export const NEED_DATA = 0;
/** {@link XmlTokenizer.next} result: a start tag (`name`, attributes, `selfClosing`). */
export const START_TAG = 1;
/** {@link XmlTokenizer.next} result: an end tag (`name`); also follows every self-closing tag. */
export const END_TAG = 2;
/** {@link XmlTokenizer.next} result: a piece of character data or CDATA inside the root. */
export const TEXT = 3;
/** {@link XmlTokenizer.next} result: the document is complete (input ended, root closed). */
export const END_OF_DOCUMENT = 4;

/** What {@link XmlTokenizer.next} returns. */
export type XmlToken =
  | typeof NEED_DATA
  | typeof START_TAG
  | typeof END_TAG
  | typeof TEXT
  | typeof END_OF_DOCUMENT;

/** Bounds that protect against hostile documents. */
export interface XmlLimits {
  /** Deepest element nesting accepted (default 256, at most {@link MAX_DEPTH_CEILING}). */
  maxDepth?: number;
  /** Largest single token (a tag with its attributes, a text, a comment) in bytes (default 8 MiB). */
  maxTokenBytes?: number;
}

/** Default {@link XmlLimits.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 256;
/**
 * The deepest nesting any {@link XmlLimits.maxDepth} allows: the element reader recurses
 * once per level, and the call stack must hold that.
 */
export const MAX_DEPTH_CEILING = 1000;

/** The deepest nesting `limits` allow. */
export function maxDepthOf(limits: XmlLimits): number {
  return Math.min(limitOf(limits, "maxDepth", DEFAULT_MAX_DEPTH), MAX_DEPTH_CEILING);
}

/** The largest token `limits` allow, in bytes. */
export function maxTokenBytesOf(limits: XmlLimits): number {
  return limitOf(limits, "maxTokenBytes", DEFAULT_MAX_TOKEN_BYTES);
}

/**
 * The limit `name` of `limits`, or `fallback` when it is not given; a value that is not a
 * number of at least 0 (`NaN`, a string) is refused, for it would turn the limit off.
 */
function limitOf(limits: XmlLimits, name: keyof XmlLimits, fallback: number): number {
  const value: unknown = limits[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0)) {
    throw new RangeError(`The XML limit ${name} must be a number of at least 0, not ${value}`);
  }
  return value;
}

/** "line L, column C" of the byte at `offset` of the document `buf`. */
export function locationIn(buf: Uint8Array, offset: number): string {
  const tokens = new XmlTokenizer();
  tokens.push(buf);
  return tokens.location(offset);
}
/** Default {@link XmlLimits.maxTokenBytes}. */
export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024 * 1024;

const SKIPPED = -1; // internal: markup consumed, no token to report
// Flags of a text or attribute value; 0: plain ASCII, its bytes are its characters.
const ESCAPED = 1; // holds references or CR: decode the slow way
const CDATA_CR = 2; // CDATA holding CR: normalise line ends
const NON_ASCII = 4; // holds bytes of non-ASCII characters: decode as UTF-8
const EMPTY = new Uint8Array(0);

/**
 * Pull tokenizer: `push` chunks (a token may be split anywhere), call `end` after the last
 * one, and call `next` until it returns {@link NEED_DATA} (push more) or
 * {@link END_OF_DOCUMENT}. The accessors describe the token `next` just returned and are
 * valid until the following `next` or `push`. Comments, processing instructions, the XML
 * declaration and white space between two tags (indentation) are skipped; white space that
 * is an element's whole content or touches other text is reported, so that string values
 * keep it. DTDs are refused. Every problem throws an {@link OvirtError} naming line and
 * column.
 */
export class XmlTokenizer {
  readonly #maxDepth: number;
  readonly #maxTokenBytes: number;
  readonly #names = NAME_CACHE;

  #buf: Uint8Array = EMPTY;
  #latin1View: Latin1View | undefined = undefined; // #buf as a Latin1View, made on first use
  #owned: Uint8Array = EMPTY; // storage this tokenizer may overwrite when compacting
  #pos = 0;
  #len = 0;
  #held = -1; // where in #buf the input is held from (see hold), -1: nowhere
  #base = 0; // absolute offset of #buf[0]
  #ended = false;
  #waitByte = -1; // the byte whose arrival may complete the pending token
  #waitFrom = 0;
  #line = 1; // line number at #buf[0]
  #column = 0; // characters between the last line start and #buf[0]
  // The same at #buf[#markAt], when #markAt > 0: where skipTo left off with the lines counted.
  #markAt = 0;
  #markLine = 1;
  #markColumn = 0;

  readonly #open: string[] = [];
  readonly #openBytes: Uint8Array[] = [];
  #depth = 0;
  #rootSeen = false;
  #documentStart = 0; // 3 after a byte order mark
  #pendingEnd = false;
  #afterTag = false; // previous token was a start or end tag
  #afterStart = false; // previous token was a non-self-closing start tag

  #tokenStart = 0;
  #lastName = "";
  #lastNameBytes: Uint8Array = EMPTY;
  #name = "";
  #selfClosing = false;
  #attributeCount = 0;
  readonly #attributeNames: string[] = [];
  readonly #attributeStarts: number[] = [];
  readonly #attributeEnds: number[] = [];
  readonly #attributeFlags: number[] = [];
  readonly #seenAttributes = new Set<string>();
  #textStart = 0;
  #textEnd = 0;
  #textFlags = 0;

  /** Creates a tokenizer with the given limits. */
  constructor(limits: XmlLimits = {}) {
    this.#maxDepth = maxDepthOf(limits);
    this.#maxTokenBytes = maxTokenBytesOf(limits);
  }

  /**
   * Appends a chunk of the document. The tokenizer may read the chunk until the next `push`
   * (it never writes to it, only to the room in front of a chunk marked by `markFrontRoom`),
   * so do not change it before then. The unread tail of the previous chunk is joined to it:
   * written into its room when it has enough, else both are copied into a buffer of its own.
   */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new OvirtError("XML input pushed after its end");
    if (chunk.length === 0) return;
    const from = this.#held >= 0 ? this.#held : this.#pos;
    const keep = this.#len - from;
    this.#forget(from);
    this.#waitFrom -= from;
    if (keep === 0) {
      this.#buf = chunk;
    } else if (takeFrontRoom(chunk, keep)) {
      const joined = new Uint8Array(chunk.buffer, chunk.byteOffset - keep, keep + chunk.length);
      joined.set(this.#buf.subarray(from, this.#len), 0);
      this.#buf = joined;
    } else {
      const needed = keep + chunk.length;
      let target = this.#owned;
      if (target.length < needed) target = this.#owned = new Uint8Array(Math.max(needed, keep * 2));
      target.set(this.#buf.subarray(from, this.#len), 0);
      target.set(chunk, keep);
      this.#buf = target;
    }
    this.#pos -= from;
    if (this.#held >= 0) this.#held = 0;
    this.#markAt = 0;
    this.#len = keep + chunk.length;
    this.#latin1View = undefined;
  }

  /** Declares that no more input follows. */
  end(): void {
    this.#ended = true;
  }

  /** Name of the element of the current start or end tag (interned). */
  get name(): string {
    return this.#name;
  }

  /** Whether the current start tag is self-closing (an end tag token follows anyway). */
  get selfClosing(): boolean {
    return this.#selfClosing;
  }

  /** Number of attributes of the current start tag. */
  get attributeCount(): number {
    return this.#attributeCount;
  }

  /** Absolute byte offset of the current token, for {@link XmlTokenizer.location}. */
  get tokenOffset(): number {
    return this.#base + this.#tokenStart;
  }

  /** Name of attribute `index` of the current start tag (interned). */
  attributeName(index: number): string {
    return this.#attributeNames[index];
  }

  /** Decoded value of attribute `index` of the current start tag. */
  attributeValue(index: number): string {
    const start = this.#attributeStarts[index], end = this.#attributeEnds[index];
    const flags = this.#attributeFlags[index];
    if (flags === 0) return this.#ascii(start, end);
    const value = flags === NON_ASCII
      ? decodeUtf8(this.#buf, start, end)
      : decodeEscaped(this.#buf, start, end, true);
    if (value === undefined) throw this.#error(start, "invalid UTF-8");
    return value;
  }

  /**
   * The plain ASCII `#buf[start, end)` as a string of its own: never a view of a larger
   * string, so that a value kept does not keep the document alive.
   */
  #ascii(start: number, end: number): string {
    if (end - start <= SHORT_TEXT_LIMIT) return shortAsciiText(this.#buf, start, end);
    return (this.#latin1View ??= latin1View(this.#buf)).latin1Slice(start, end);
  }

  /** Decoded content of the current text token. */
  text(): string {
    const buf = this.#buf, start = this.#textStart, end = this.#textEnd;
    const flags = this.#textFlags;
    if (flags === 0) return this.#ascii(start, end);
    let value: string | undefined;
    if ((flags & ESCAPED) !== 0) value = decodeEscaped(buf, start, end, false);
    else value = decodeUtf8(buf, start, end);
    if (value === undefined) throw this.#error(start, "invalid UTF-8");
    if ((flags & CDATA_CR) !== 0) value = value.replace(/\r\n?/g, "\n");
    return value;
  }

  /**
   * Where the next token starts in {@link XmlTokenizer.input}, for a reader of whole
   * elements to take over from there (see {@link XmlTokenizer.skipTo}); -1 when that is not
   * possible (outside the root, or a self-closing tag's end is still to be reported).
   */
  get handOverPoint(): number {
    return this.#pendingEnd || this.#depth === 0 ? -1 : this.#pos;
  }

  /**
   * Where the next token starts in {@link XmlTokenizer.input}, inside the root or outside it
   * (after a {@link NEED_DATA}: where the token the input ends in starts).
   */
  get position(): number {
    return this.#pos;
  }

  /** The buffered input, valid up to {@link XmlTokenizer.inputEnd}; do not modify it. */
  get input(): Uint8Array {
    return this.#buf;
  }

  /** The end of the buffered input in {@link XmlTokenizer.input}. */
  get inputEnd(): number {
    return this.#len;
  }

  /** Whether the input has ended (no more `push`). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Keeps the input from `index` of {@link XmlTokenizer.input} buffered, with all that
   * follows, until {@link XmlTokenizer.release}: the tokens read meanwhile can then be read
   * again from those bytes, which stay at the start of the input after each `push`.
   */
  hold(index: number): void {
    this.#held = index;
  }

  /** Where the held input starts in {@link XmlTokenizer.input} (-1: none is held). */
  get heldFrom(): number {
    return this.#held;
  }

  /** Lets the input held by {@link XmlTokenizer.hold} be dropped. */
  release(): void {
    this.#held = -1;
  }

  /** "line L, column C" of the byte at `index` of {@link XmlTokenizer.input}. */
  inputLocation(index: number): string {
    return this.location(this.#base + index);
  }

  /** The number of elements open at the current position. */
  get openElements(): number {
    return this.#depth;
  }

  /**
   * Consumes the input from {@link XmlTokenizer.handOverPoint} up to `end`, where whole,
   * well-formed elements read by another reader end. When that reader counted the line
   * feeds in those bytes (`lineFeeds` >= 0, the last at `lastLineFeed`), they are not looked
   * for again when the bytes are dropped.
   */
  skipTo(end: number, lineFeeds = -1, lastLineFeed = -1): void {
    if (lineFeeds >= 0) {
      const { line, column } = this.#locateRelative(this.#pos);
      this.#markColumn = lineFeeds > 0
        ? characterCount(this.#buf, lastLineFeed + 1, end)
        : column - 1 + characterCount(this.#buf, this.#pos, end);
      this.#markAt = end;
      this.#markLine = line + lineFeeds;
    }
    this.#pos = end;
    this.#waitByte = -1;
    this.#afterTag = true;
    this.#afterStart = false;
  }

  /**
   * "line L, column C" of absolute offset `at` (default: the current token). Offsets of input
   * already dropped while streaming fall back to the current token.
   */
  location(at: number = this.tokenOffset): string {
    const relative = at - this.#base;
    const { line, column } = this.#locateRelative(
      relative >= 0 && relative <= this.#len ? relative : this.#tokenStart,
    );
    return `line ${line}, column ${column}`;
  }

  /** Reads the next token. */
  next(): XmlToken {
    if (this.#pendingEnd) {
      this.#pendingEnd = false;
      this.#selfClosing = false;
      this.#afterStart = false;
      return END_TAG;
    }
    if (this.#waitByte >= 0 && !this.#waitIsOver()) return NEED_DATA;
    for (;;) {
      const pos = this.#pos;
      if (pos >= this.#len) return this.#atEnd();
      this.#tokenStart = pos;
      const token = this.#buf[pos] === LT ? this.#scanMarkup(pos) : this.#scanText(pos);
      if (this.#pos - pos > this.#maxTokenBytes) throw this.#tooLarge(pos);
      if (token !== SKIPPED) return token as XmlToken;
    }
  }

  #waitIsOver(): boolean {
    const found = this.#buf.subarray(this.#waitFrom, this.#len).indexOf(this.#waitByte);
    if (found < 0 && !this.#ended) {
      if (this.#len - this.#pos > this.#maxTokenBytes) throw this.#tooLarge(this.#pos);
      this.#waitFrom = this.#len;
      return false;
    }
    this.#waitByte = -1;
    return true;
  }

  #atEnd(): XmlToken {
    if (!this.#ended) return this.#needData(-1);
    if (!this.#rootSeen) throw this.#error(this.#len, "no root element");
    if (this.#depth > 0) {
      throw this.#error(
        this.#len,
        `unexpected end of input: <${this.#open[this.#depth - 1]}> is not closed`,
      );
    }
    return END_OF_DOCUMENT;
  }

  /** Ends a scan that ran out of input inside a token starting at #pos. */
  #needData(waitByte: number): typeof NEED_DATA {
    if (this.#ended) throw this.#error(this.#len, "unexpected end of input");
    if (this.#len - this.#pos > this.#maxTokenBytes) throw this.#tooLarge(this.#pos);
    this.#waitByte = waitByte;
    this.#waitFrom = this.#len;
    return NEED_DATA;
  }

  #scanText(start: number): number {
    const buf = this.#buf, len = this.#len;
    if (this.#afterTag && this.#depth > 0) {
      // The usual text, indentation between two tags (see below), in one pass.
      let i = start;
      while (i < len && (buf[i] === 0x20 || buf[i] === LF || buf[i] === TAB)) i++;
      if (i + 1 < len && buf[i] === LT) {
        const after = buf[i + 1];
        if (after !== BANG && after !== QUESTION && !(this.#afterStart && after === SLASH)) {
          this.#pos = i;
          return SKIPPED;
        }
      }
    }
    if (buf[start] === 0xef && this.#base + start === 0) {
      const bom = this.#matchPrefix(0, "\xef\xbb\xbf");
      if (bom === undefined) return this.#needData(-1);
      if (bom) {
        this.#pos = this.#documentStart = 3;
        return SKIPPED;
      }
    }
    let flags = 0;
    let i = start;
    for (; i < len; i++) {
      const c = buf[i];
      if ((CHAR_CLASS[c] & TEXT_SPECIAL) === 0) continue;
      if (c === LT) break;
      if (c >= 0x80) {
        flags |= NON_ASCII;
      } else if (c >= 0x20) {
        if (c === AMP) {
          i = this.#checkReference(i);
          if (i < 0) return this.#needData(LT);
          flags |= ESCAPED;
        } else if (
          c === GT && i - start >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET
        ) {
          throw this.#error(i - 2, "']]>' is not allowed in text");
        }
      } else if (c === CR) {
        flags |= ESCAPED;
      } else {
        throw this.#invalidCharacter(i);
      }
    }
    if (i >= len && !this.#ended) return this.#needData(LT);
    if (isBlank(buf, start, i)) {
      if (this.#depth === 0) {
        this.#pos = i;
        return SKIPPED;
      }
      // Indentation between two tags is dropped; white space that is a whole element
      // content, or touches other text, comments or CDATA, is kept.
      if (i + 1 >= len) return this.#ended ? this.#atEnd() : this.#needData(-1);
      const after = buf[i + 1];
      const beforeTag = after !== BANG && after !== QUESTION;
      if (this.#afterTag && beforeTag && !(this.#afterStart && after === SLASH)) {
        this.#pos = i;
        return SKIPPED;
      }
    } else if (this.#depth === 0) {
      throw this.#error(start, "text outside the root element");
    }
    this.#textStart = start;
    this.#textEnd = i;
    this.#textFlags = flags;
    this.#pos = i;
    this.#afterTag = this.#afterStart = false;
    return TEXT;
  }

  /** Validates the reference at `amp`; returns the index of its `;`, or -1 if input is short. */
  #checkReference(amp: number): number {
    const buf = this.#buf;
    const limit = Math.min(this.#len, amp + MAX_REFERENCE_LENGTH);
    let semicolon = amp + 1;
    while (semicolon < limit && buf[semicolon] !== 0x3b) semicolon++;
    if (semicolon >= limit) {
      if (limit === this.#len && !this.#ended) return -1;
      throw this.#error(amp, "'&' must start a reference such as &amp;");
    }
    if (referencedCodePoint(buf, amp + 1, semicolon) < 0) {
      throw this.#error(amp, "unknown or invalid reference");
    }
    return semicolon;
  }

  #scanMarkup(start: number): number {
    if (start + 1 >= this.#len) return this.#needData(-1);
    const second = this.#buf[start + 1];
    if (second === SLASH) return this.#scanEndTag(start);
    if (second === BANG) return this.#scanBang(start);
    if (second === QUESTION) return this.#scanProcessingInstruction(start);
    return this.#scanStartTag(start);
  }

  /**
   * Reads a name at `start` into #lastName; returns the index after it, or -1 when the
   * input ends before the name does.
   */
  #readName(start: number): number {
    const buf = this.#buf, len = this.#len;
    if (start >= len) return -1;
    const c = buf[start];
    if ((CHAR_CLASS[c] & NAME_START) === 0) throw this.#error(start, "expected a name");
    let i = start + 1;
    while (i < len && (CHAR_CLASS[buf[i]] & NAME_CHAR) !== 0) i++;
    if (i >= len) return -1;
    const name = this.#names.intern(buf, start, i, nameHash(buf, start, i));
    if (name === undefined) throw this.#error(start, "invalid name");
    this.#lastName = name;
    this.#lastNameBytes = this.#names.lastKey;
    return i;
  }

  /** {@link XmlTokenizer.#readName} with a shortcut for the usual `id`, `href` and `rel`. */
  #readAttributeName(start: number): number {
    const buf = this.#buf;
    const c = buf[start];
    let end = -1;
    let name = "";
    if (c === 0x69 && buf[start + 1] === 0x64) {
      end = start + 2;
      name = "id";
    } else if (
      c === 0x68 && buf[start + 1] === 0x72 && buf[start + 2] === 0x65 && buf[start + 3] === 0x66
    ) {
      end = start + 4;
      name = "href";
    } else if (c === 0x72 && buf[start + 1] === 0x65 && buf[start + 2] === 0x6c) {
      end = start + 3;
      name = "rel";
    }
    if (end < 0 || end >= this.#len || (CHAR_CLASS[buf[end]] & NAME_CHAR) !== 0) {
      return this.#readName(start);
    }
    this.#lastName = name;
    return end;
  }

  #skipSpaces(i: number): number {
    const buf = this.#buf, len = this.#len;
    while (i < len && (CHAR_CLASS[buf[i]] & SPACE) !== 0) i++;
    return i;
  }

  #scanStartTag(start: number): number {
    const buf = this.#buf, len = this.#len;
    let i = this.#readName(start + 1);
    if (i < 0) return this.#needData(GT);
    const name = this.#lastName;
    const nameBytes = this.#lastNameBytes;
    let count = 0;
    let selfClosing = false;
    for (;;) {
      const afterSpace = this.#skipSpaces(i);
      if (afterSpace >= len) return this.#needData(GT);
      const c = buf[afterSpace];
      if (c === GT) {
        i = afterSpace + 1;
        break;
      }
      if (c === SLASH) {
        if (afterSpace + 1 >= len) return this.#needData(GT);
        if (buf[afterSpace + 1] !== GT) throw this.#error(afterSpace + 1, "expected '>'");
        i = afterSpace + 2;
        selfClosing = true;
        break;
      }
      if (afterSpace === i) throw this.#error(i, "expected white space, '>' or '/>'");
      i = this.#readAttributeName(afterSpace);
      if (i < 0) return this.#needData(GT);
      const attribute = this.#lastName;
      i = this.#skipSpaces(i);
      if (i >= len) return this.#needData(GT);
      if (buf[i] !== EQUALS) throw this.#error(i, `expected '=' after attribute ${attribute}`);
      i = this.#skipSpaces(i + 1);
      if (i >= len) return this.#needData(GT);
      const quote = buf[i];
      if (quote !== DQUOTE && quote !== SQUOTE) throw this.#error(i, "expected a quoted value");
      const valueStart = i + 1;
      let flags = 0;
      for (i = valueStart; i < len; i++) {
        const v = buf[i];
        if ((CHAR_CLASS[v] & VALUE_SPECIAL) === 0) continue;
        if (v === quote) break;
        if (v === LT) throw this.#error(i, "'<' is not allowed in an attribute value");
        if (v >= 0x80) {
          flags |= NON_ASCII;
        } else if (v === AMP) {
          i = this.#checkReference(i);
          if (i < 0) return this.#needData(GT);
          flags |= ESCAPED;
        } else if (v < 0x20) {
          if (v !== LF && v !== TAB && v !== CR) throw this.#invalidCharacter(i);
          flags |= ESCAPED;
        }
      }
      if (i >= len) return this.#needData(GT);
      this.#addAttribute(count++, attribute, valueStart, i, flags);
      i++;
    }
    if (this.#depth >= this.#maxDepth) {
      throw this.#error(start, `elements nested deeper than ${this.#maxDepth}`);
    }
    if (this.#depth === 0) {
      if (this.#rootSeen) throw this.#error(start, "a second root element");
      this.#rootSeen = true;
    }
    this.#name = name;
    this.#attributeCount = count;
    this.#selfClosing = selfClosing;
    this.#pos = i;
    this.#afterTag = true;
    if (selfClosing) {
      this.#pendingEnd = true;
    } else {
      this.#openBytes[this.#depth] = nameBytes;
      this.#open[this.#depth++] = name;
      this.#afterStart = true;
    }
    return START_TAG;
  }

  #addAttribute(index: number, name: string, start: number, end: number, flags: number): void {
    const names = this.#attributeNames;
    if (index < 16) {
      for (let k = 0; k < index; k++) {
        if (names[k] === name) throw this.#error(start, `duplicate attribute ${name}`);
      }
    } else {
      const seen = this.#seenAttributes;
      if (index === 16) {
        seen.clear();
        for (let k = 0; k < 16; k++) seen.add(names[k]);
      }
      if (seen.has(name)) throw this.#error(start, `duplicate attribute ${name}`);
      seen.add(name);
    }
    names[index] = name;
    this.#attributeStarts[index] = start;
    this.#attributeEnds[index] = end;
    this.#attributeFlags[index] = flags;
  }

  #scanEndTag(start: number): number {
    const open = this.#depth > 0 ? this.#open[this.#depth - 1] : "";
    // The open element's name is compared first: read as a name only when it differs.
    let i = this.#depth > 0
      ? matchNameBytes(this.#buf, start + 2, this.#len, this.#openBytes[this.#depth - 1])
      : -1;
    let name = open;
    if (i < 0) {
      i = this.#readName(start + 2);
      if (i < 0) return this.#needData(GT);
      name = this.#lastName;
    }
    i = this.#skipSpaces(i);
    if (i >= this.#len) return this.#needData(GT);
    if (this.#buf[i] !== GT) throw this.#error(i, "expected '>'");
    if (this.#depth === 0) throw this.#error(start, `unexpected end tag </${name}>`);
    if (name !== open) throw this.#error(start, `</${name}> does not close <${open}>`);
    this.#depth--;
    this.#name = name;
    this.#selfClosing = false;
    this.#pos = i + 1;
    this.#afterTag = true;
    this.#afterStart = false;
    return END_TAG;
  }

  /** Comments and CDATA sections; anything else after `<!` (DOCTYPE, ENTITY) is refused. */
  #scanBang(start: number): number {
    const isComment = this.#matchPrefix(start, "<!--");
    if (isComment === undefined) return this.#needData(GT);
    if (isComment) return this.#scanComment(start + 4);
    const isCdata = this.#matchPrefix(start, "<![CDATA[");
    if (isCdata === undefined) return this.#needData(GT);
    if (isCdata) return this.#scanCdata(start + 9);
    const dtd = this.#matchPrefix(start, "<!D") || this.#matchPrefix(start, "<!E");
    throw this.#error(
      start,
      dtd ? "DTDs and entity declarations are not allowed" : "unexpected '<!'",
    );
  }

  /** Whether the input at `start` begins with `prefix`; undefined when too short to tell. */
  #matchPrefix(start: number, prefix: string): boolean | undefined {
    const buf = this.#buf;
    const available = Math.min(prefix.length, this.#len - start);
    for (let k = 0; k < available; k++) {
      if (buf[start + k] !== prefix.charCodeAt(k)) return false;
    }
    return available === prefix.length ? true : this.#ended ? false : undefined;
  }

  #scanComment(from: number): number {
    const buf = this.#buf, len = this.#len;
    for (let i = from; i < len; i++) {
      const c = buf[i];
      if (c === DASH) {
        if (i + 2 >= len) break;
        if (buf[i + 1] !== DASH) continue;
        if (buf[i + 2] !== GT) throw this.#error(i, "'--' is not allowed in a comment");
        this.#pos = i + 3;
        this.#afterTag = this.#afterStart = false;
        return SKIPPED;
      }
      if (c < 0x20 && c !== LF && c !== TAB && c !== CR) throw this.#invalidCharacter(i);
    }
    return this.#needData(GT);
  }

  #scanCdata(from: number): number {
    if (this.#depth === 0) throw this.#error(from - 9, "CDATA outside the root element");
    const buf = this.#buf, len = this.#len;
    let flags = 0;
    for (let i = from; i < len; i++) {
      const c = buf[i];
      if (c === GT) {
        if (i - from >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) {
          this.#textStart = from;
          this.#textEnd = i - 2;
          this.#textFlags = flags;
          this.#pos = i + 1;
          this.#afterTag = this.#afterStart = false;
          return TEXT;
        }
      } else if (c >= 0x80) {
        flags |= NON_ASCII;
      } else if (c < 0x20) {
        if (c === CR) flags |= CDATA_CR;
        else if (c !== LF && c !== TAB) throw this.#invalidCharacter(i);
      }
    }
    return this.#needData(GT);
  }

  #scanProcessingInstruction(start: number): number {
    const buf = this.#buf, len = this.#len;
    let i = this.#readName(start + 2);
    if (i < 0) return this.#needData(GT);
    const target = this.#lastName;
    if (target.length === 3 && target.toLowerCase() === "xml") {
      if (this.#base + start !== this.#documentStart) {
        throw this.#error(start, "the XML declaration is only allowed at the start");
      }
      if (target !== "xml" || (CHAR_CLASS[buf[i]] & SPACE) === 0) {
        throw this.#error(start, "malformed XML declaration");
      }
    } else if (buf[i] !== QUESTION && (CHAR_CLASS[buf[i]] & SPACE) === 0) {
      throw this.#error(i, "expected white space after the processing instruction target");
    }
    for (; i < len; i++) {
      const c = buf[i];
      if (c === QUESTION) {
        if (i + 1 >= len) break;
        if (buf[i + 1] === GT) {
          this.#pos = i + 2;
          this.#afterTag = this.#afterStart = false;
          return SKIPPED;
        }
      } else if (c < 0x20 && c !== LF && c !== TAB && c !== CR) {
        throw this.#invalidCharacter(i);
      }
    }
    return this.#needData(GT);
  }

  #invalidCharacter(at: number): OvirtError {
    return this.#error(
      at,
      `character U+${this.#buf[at].toString(16).padStart(4, "0")} is not allowed`,
    );
  }

  #tooLarge(at: number): OvirtError {
    return this.#error(at, `a token is larger than ${this.#maxTokenBytes} bytes`);
  }

  /** Accounts for the lines and columns of `#buf[0, upTo)`, which is about to be dropped. */
  #forget(upTo: number): void {
    const { line, column } = this.#locateRelative(upTo);
    this.#line = line;
    this.#column = column - 1;
    this.#base += upTo;
  }

  #error(relative: number, message: string): OvirtError {
    return new OvirtError(`Malformed XML at ${this.location(this.#base + relative)}: ${message}`);
  }

  #locateRelative(relative: number): { line: number; column: number } {
    const buf = this.#buf;
    // Counted from the mark when it is at or before `relative`, else from #buf[0].
    const from = this.#markAt > 0 && this.#markAt <= relative ? this.#markAt : 0;
    // Only [from, relative) is searched: a document on one line has no line feed to stop at.
    let lineStart = relative > from ? buf.subarray(from, relative).lastIndexOf(LF) : -1;
    if (lineStart >= 0) lineStart += from;
    const line = (from === 0 ? this.#line : this.#markLine) +
      (lineStart < 0 ? 0 : countLineFeeds(buf, from, lineStart + 1));
    const column = (lineStart >= 0 ? 0 : from === 0 ? this.#column : this.#markColumn) +
      characterCount(buf, lineStart < 0 ? from : lineStart + 1, relative);
    return { line, column: column + 1 };
  }
}

/**
 * From how many bytes {@link characterCount} first asks the native ASCII test: below that,
 * making the view and calling out cost more than looking at the bytes (the end of each list
 * item, a few bytes after its last line feed, is counted this way).
 */
const NATIVE_ASCII_TEST_FROM = 64;

/**
 * The number of characters in the UTF-8 `buf[start, end)` (its bytes that do not continue
 * a character). The bytes dropped while streaming are counted, so that error columns stay
 * exact: on a document written on one line that is every byte, hence the native ASCII test
 * first on long spans (a loop over the bytes took a fifth of a streamed read).
 */
function characterCount(buf: Uint8Array, start: number, end: number): number {
  if (end - start >= NATIVE_ASCII_TEST_FROM && isAscii(buf.subarray(start, end))) {
    return end - start;
  }
  let count = 0;
  for (let i = start; i < end; i++) if ((buf[i] & 0xc0) !== 0x80) count++;
  return count;
}

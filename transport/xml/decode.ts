/**
 * Byte-level helpers of the XML tokenizer: character classes, UTF-8 decoding with a fast
 * ASCII path, entity and character-reference expansion, and XML name validation.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** Character class bit: the byte may start an XML name (bytes >= 0x80 are checked later). */
export const NAME_START = 1;
/** Character class bit: the byte may continue an XML name. */
export const NAME_CHAR = 2;
/** Character class bit: XML white space (space, tab, CR, LF). */
export const SPACE = 4;
/**
 * Character class bit: the byte needs a look in text (`<`, `&`, `>`, CR, control characters,
 * and bytes of non-ASCII characters, which make the text decode as UTF-8).
 */
export const TEXT_SPECIAL = 8;
/**
 * Character class bit: the byte needs a look in attribute values (quotes, `<`, `&`, controls,
 * and bytes of non-ASCII characters).
 */
export const VALUE_SPECIAL = 16;

/** Class bits of every byte value, for name scanning and white-space skipping. */
export const CHAR_CLASS: Uint8Array = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(256);
  const mark = (from: number, to: number, bits: number) => {
    for (let c = from; c <= to; c++) table[c] |= bits;
  };
  mark(0x41, 0x5a, NAME_START | NAME_CHAR); // A-Z
  mark(0x61, 0x7a, NAME_START | NAME_CHAR); // a-z
  mark(0x5f, 0x5f, NAME_START | NAME_CHAR); // _
  mark(0x3a, 0x3a, NAME_START | NAME_CHAR); // :
  mark(0x30, 0x39, NAME_CHAR); // 0-9
  mark(0x2d, 0x2e, NAME_CHAR); // - .
  mark(0x80, 0xff, NAME_START | NAME_CHAR); // multi-byte: validated by isXmlName
  for (const c of [0x20, 0x09, 0x0a, 0x0d]) table[c] = SPACE;
  mark(0x00, 0x1f, TEXT_SPECIAL | VALUE_SPECIAL);
  table[0x09] &= ~TEXT_SPECIAL; // tab and LF need nothing in text
  table[0x0a] &= ~TEXT_SPECIAL;
  for (const c of [0x3c, 0x26, 0x3e]) table[c] |= TEXT_SPECIAL; // < & >
  for (const c of [0x3c, 0x26, 0x22, 0x27]) table[c] |= VALUE_SPECIAL; // < & " '
  mark(0x80, 0xff, TEXT_SPECIAL | VALUE_SPECIAL); // non-ASCII: flagged for UTF-8 decoding
  return table;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A `Buffer` view of a reader's bytes with Node's `latin1Slice(start, end)`, the string of the
 * bytes there, one character each. It makes nothing but the string, where
 * `toString("latin1", start, end)` makes a view first: a read of 20,000 events is about 3 %
 * faster with it.
 */
export type Latin1View = Buffer & { latin1Slice(start: number, end: number): string };

/** Whether `buf[start, end)` is all white space. */
export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((CHAR_CLASS[buf[i]] & SPACE) === 0) return false;
  return true;
}

/** A {@link Latin1View} of all of `buf`. */
export function latin1View(buf: Uint8Array): Latin1View {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.length) as Latin1View;
}

/** Longest text {@link shortAsciiText} makes. */
export const SHORT_TEXT_LIMIT = 24;
/** For each length up to the limit, an array of that many character codes, reused. */
const CODE_ARRAYS: number[][] = Array.from(
  { length: SHORT_TEXT_LIMIT + 1 },
  (_, length) => new Array(length).fill(0),
);

/**
 * The string of the ASCII bytes `buf[start, end)`, at most {@link SHORT_TEXT_LIMIT} of
 * them, made in one step from an array of their codes: several times faster than a
 * decoder call or building it character by character.
 */
export function shortAsciiText(buf: Uint8Array, start: number, end: number): string {
  const codes = CODE_ARRAYS[end - start];
  for (let k = 0; k < codes.length; k++) codes[k] = buf[start + k];
  return String.fromCharCode.apply(null, codes);
}

/**
 * Decodes `buf[start, end)` as UTF-8. Short ASCII runs are built directly; anything else
 * goes through a strict `TextDecoder`. Returns `undefined` for invalid UTF-8.
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  if (end - start <= SHORT_TEXT_LIMIT) {
    let i = start;
    while (i < end && buf[i] < 0x80) i++;
    if (i === end) return shortAsciiText(buf, start, end);
  }
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** Whether `code` is a character XML 1.0 allows in a document. */
export function isXmlChar(code: number): boolean {
  return code >= 0x20
    ? code <= 0xd7ff || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
    : code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Longest reference accepted, from its `&` to its `;` (a longer one is an error). */
export const MAX_REFERENCE_LENGTH = 64;

/**
 * Code point of the reference whose name lies in `buf[start, end)` (between `&` and `;`):
 * `lt`, `gt`, `amp`, `quot`, `apos`, `#123` or `#x7b`. Returns -1 when it is not one of these
 * or names a character XML does not allow.
 */
export function referencedCodePoint(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 2) return -1;
  const first = buf[start];
  if (first === 0x23) return numericReference(buf, start + 1, end); // #
  if (length === 2 && buf[start + 1] === 0x74) { // "lt" or "gt"
    if (first === 0x6c) return 0x3c;
    if (first === 0x67) return 0x3e;
    return -1;
  }
  if (length === 3 && first === 0x61 && buf[start + 1] === 0x6d && buf[start + 2] === 0x70) {
    return 0x26; // amp
  }
  if (length === 4) {
    const word = String.fromCharCode(first, buf[start + 1], buf[start + 2], buf[start + 3]);
    if (word === "quot") return 0x22;
    if (word === "apos") return 0x27;
  }
  return -1;
}

function numericReference(buf: Uint8Array, start: number, end: number): number {
  const hex = buf[start] === 0x78; // x
  let i = hex ? start + 1 : start;
  if (i >= end) return -1;
  let code = 0;
  for (; i < end; i++) {
    const c = buf[i];
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (hex && c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (hex && c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else return -1;
    code = code * (hex ? 16 : 10) + digit;
    if (code > 0x10ffff) return -1;
  }
  return isXmlChar(code) ? code : -1;
}

/**
 * Decodes character data that contains references or carriage returns: expands references,
 * turns CR LF and lone CR into LF, and in attribute values (`attribute`) also turns tab, LF
 * and CR into a space, as XML prescribes. Expects input the tokenizer already validated;
 * returns `undefined` for invalid UTF-8 or a bad reference.
 */
export function decodeEscaped(
  buf: Uint8Array,
  start: number,
  end: number,
  attribute: boolean,
): string | undefined {
  let text = "";
  let run = start;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x26 && c !== 0x0d && !(attribute && (c === 0x0a || c === 0x09))) continue;
    const piece = decodeUtf8(buf, run, i);
    if (piece === undefined) return undefined;
    text += piece;
    if (c === 0x26) {
      const semicolon = buf.indexOf(0x3b, i);
      if (semicolon < 0 || semicolon >= end) return undefined;
      const code = referencedCodePoint(buf, i + 1, semicolon);
      if (code < 0) return undefined;
      text += String.fromCodePoint(code);
      i = semicolon;
    } else {
      if (c === 0x0d && i + 1 < end && buf[i + 1] === 0x0a) i++;
      text += attribute ? " " : "\n";
    }
    run = i + 1;
  }
  const tail = decodeUtf8(buf, run, end);
  return tail === undefined ? undefined : text + tail;
}

/** Whether `name` is an XML 1.0 (fifth edition) name; used for names with non-ASCII bytes. */
export function isXmlName(name: string): boolean {
  let first = true;
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (!(first ? isNameStartCode(code) : isNameStartCode(code) || isNameOnlyCode(code))) {
      return false;
    }
    first = false;
  }
  return !first;
}

function isNameStartCode(c: number): boolean {
  if (c < 0x80) return (CHAR_CLASS[c] & NAME_START) !== 0;
  return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) || (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff);
}

function isNameOnlyCode(c: number): boolean {
  if (c < 0x80) return (CHAR_CLASS[c] & NAME_CHAR) !== 0;
  return c === 0xb7 || (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/**
 * When the non-empty name whose UTF-8 bytes are `name` is spelled at `buf[at]` and ends
 * there (the next byte, before `limit`, cannot continue a name), the index after it;
 * otherwise -1.
 */
export function matchNameBytes(
  buf: Uint8Array,
  at: number,
  limit: number,
  name: Uint8Array,
): number {
  const length = name.length;
  const end = at + length;
  if (length === 0 || end >= limit) return -1;
  for (let k = 0; k < length; k++) if (buf[at + k] !== name[k]) return -1;
  return (CHAR_CLASS[buf[end]] & NAME_CHAR) === 0 ? end : -1;
}

/**
 * The number of line feeds in `buf[start, end)`, counted four bytes at a time (this runs
 * over every chunk a stream drops, to keep line numbers for error messages).
 */
export function countLineFeeds(buf: Uint8Array, start: number, end: number): number {
  let count = 0;
  let i = start;
  for (; i < end && ((buf.byteOffset + i) & 3) !== 0; i++) if (buf[i] === 0x0a) count++;
  const wordCount = (end - i) >> 2;
  if (wordCount > 0) {
    const words = new Uint32Array(buf.buffer, buf.byteOffset + i, wordCount);
    for (let w = 0; w < wordCount; w++) {
      const x = words[w] ^ 0x0a0a0a0a; // a zero byte where a line feed was
      const nonZero = (((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
      count += 4 - (Math.imul(nonZero >>> 7, 0x01010101) >>> 24);
    }
    i += wordCount << 2;
  }
  for (; i < end; i++) if (buf[i] === 0x0a) count++;
  return count;
}

/**
 * Whether `a[aAt, aAt + length)` and `b[bAt, bAt + length)` hold the same bytes, when one
 * of them holds no zero byte (as no XML text does); `aWords` and `bWords` view `a` and `b`.
 * Eight bytes are compared at a time, as doubles: equal doubles have the same bits unless
 * they are +0 and -0, which is ruled out as one of them has no zero byte. (Bits that make a
 * NaN would compare unequal, but are not ASCII.)
 */
export function sameAcross(
  aWords: DataView,
  a: Uint8Array,
  aAt: number,
  bWords: DataView,
  b: Uint8Array,
  bAt: number,
  length: number,
): boolean {
  let k = 0;
  for (; k + 8 <= length; k += 8) {
    if (aWords.getFloat64(aAt + k, true) !== bWords.getFloat64(bAt + k, true)) return false;
  }
  if (k + 4 <= length) {
    if (aWords.getInt32(aAt + k, true) !== bWords.getInt32(bAt + k, true)) return false;
    k += 4;
  }
  for (; k < length; k++) if (a[aAt + k] !== b[bAt + k]) return false;
  return true;
}

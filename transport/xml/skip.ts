/**
 * Skipping an element the reader has no use for (the engine's `<actions>`, elements of a
 * newer model) in one pass over its bytes: the same well-formedness checks as the
 * tokenizer, but no tokens, no attribute tables and no interned names.
 *
 * @module
 */

import {
  AMP,
  BANG,
  CR,
  DQUOTE,
  EQUALS,
  GT,
  LF,
  LT,
  QUESTION,
  RBRACKET,
  SEMICOLON,
  SLASH,
  SQUOTE,
  TAB,
} from "./ascii.ts";
import {
  CHAR_CLASS,
  matchNameBytes,
  MAX_REFERENCE_LENGTH,
  NAME_CHAR,
  NAME_START,
  referencedCodePoint,
  SPACE,
  TEXT_SPECIAL,
  VALUE_SPECIAL,
} from "./decode.ts";

const MAX_ATTRIBUTES = 8;

// Scratch space, reused by every call (the function never yields).
const openStarts: number[] = [];
const openEnds: number[] = [];
const attributeStarts = new Int32Array(MAX_ATTRIBUTES);
const attributeEnds = new Int32Array(MAX_ATTRIBUTES);

/**
 * Finds the end of an element whose start tag ends just before `from`: its name is `name`
 * (UTF-8 bytes) and its content must lie within `buf[from, limit)`. Returns the index after
 * its end tag when everything up to there is plain and well-formed: nested elements
 * (at most `maxNesting` levels), attributes, text and references. Returns -1 for anything
 * else: comments, CDATA, processing instructions, non-ASCII names, more than 8 attributes on
 * a tag, malformed or unfinished input. The caller then reads the element token by token,
 * which reports any error precisely.
 */
export function skipElementContent(
  buf: Uint8Array,
  from: number,
  limit: number,
  name: Uint8Array,
  maxNesting: number,
): number {
  let depth = 0; // open elements inside the skipped one
  let i = from;
  for (;;) {
    i = skipText(buf, i, limit);
    if (i < 0 || i + 1 >= limit) return -1;
    const next = buf[i + 1];
    if (next === SLASH) {
      const nameStart = depth === 0 ? -1 : openStarts[depth - 1];
      i = depth === 0
        ? matchNameBytes(buf, i + 2, limit, name)
        : matchRange(buf, i + 2, limit, nameStart, openEnds[depth - 1]);
      if (i < 0) return -1;
      while (i < limit && (CHAR_CLASS[buf[i]] & SPACE) !== 0) i++;
      if (i >= limit || buf[i] !== GT) return -1;
      i++;
      if (depth === 0) return i;
      depth--;
    } else if (next === BANG || next === QUESTION) {
      return -1;
    } else {
      const nameStart = i + 1;
      const nameEnd = scanAsciiName(buf, nameStart, limit);
      if (nameEnd < 0) return -1;
      i = skipAttributes(buf, nameEnd, limit);
      if (i < 0 || depth >= maxNesting) return -1;
      if (buf[i - 2] !== SLASH) {
        openStarts[depth] = nameStart;
        openEnds[depth++] = nameEnd;
      }
    }
  }
}

/** Skips text up to the next `<`; -1 for anything the tokenizer would reject, or no `<`. */
function skipText(buf: Uint8Array, i: number, limit: number): number {
  const start = i;
  for (; i < limit; i++) {
    const c = buf[i];
    if ((CHAR_CLASS[c] & TEXT_SPECIAL) === 0 || c >= 0x80) continue;
    if (c === LT) return i;
    if (c === AMP) {
      i = referenceEnd(buf, i, limit);
      if (i < 0) return -1;
    } else if (c === GT) {
      if (i - start >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) return -1;
    } else if (c !== CR) {
      return -1;
    }
  }
  return -1;
}

/** The index of the `;` ending a valid reference at `amp`, or -1. */
function referenceEnd(buf: Uint8Array, amp: number, limit: number): number {
  const end = Math.min(limit, amp + MAX_REFERENCE_LENGTH);
  let semicolon = amp + 1;
  while (semicolon < end && buf[semicolon] !== SEMICOLON) semicolon++;
  if (semicolon >= end || referencedCodePoint(buf, amp + 1, semicolon) < 0) return -1;
  return semicolon;
}

/** The end of an ASCII name at `start`, or -1 (no name, non-ASCII, or input ends). */
function scanAsciiName(buf: Uint8Array, start: number, limit: number): number {
  if (start >= limit || (CHAR_CLASS[buf[start]] & NAME_START) === 0 || buf[start] >= 0x80) {
    return -1;
  }
  let i = start + 1;
  while (i < limit && (CHAR_CLASS[buf[i]] & NAME_CHAR) !== 0) {
    if (buf[i] >= 0x80) return -1;
    i++;
  }
  return i < limit ? i : -1;
}

/**
 * Skips the attributes and the end of a start tag from `i` (just after its name); returns
 * the index after `>` or `/>`, or -1.
 */
function skipAttributes(buf: Uint8Array, i: number, limit: number): number {
  let count = 0;
  for (;;) {
    const afterSpace = skipSpaces(buf, i, limit);
    if (afterSpace >= limit) return -1;
    const c = buf[afterSpace];
    if (c === GT) return afterSpace + 1;
    if (c === SLASH) {
      return afterSpace + 1 < limit && buf[afterSpace + 1] === GT ? afterSpace + 2 : -1;
    }
    if (afterSpace === i || count === MAX_ATTRIBUTES) return -1;
    const nameEnd = scanAsciiName(buf, afterSpace, limit);
    if (nameEnd < 0) return -1;
    for (let k = 0; k < count; k++) {
      if (matchRange(buf, afterSpace, nameEnd + 1, attributeStarts[k], attributeEnds[k]) >= 0) {
        return -1; // a duplicate (the tokenizer names it)
      }
    }
    attributeStarts[count] = afterSpace;
    attributeEnds[count++] = nameEnd;
    i = skipSpaces(buf, nameEnd, limit);
    if (i >= limit || buf[i] !== EQUALS) return -1;
    i = skipSpaces(buf, i + 1, limit);
    if (i >= limit) return -1;
    const quote = buf[i];
    if (quote !== DQUOTE && quote !== SQUOTE) return -1;
    for (i++; i < limit; i++) {
      const v = buf[i];
      if ((CHAR_CLASS[v] & VALUE_SPECIAL) === 0 || v >= 0x80) continue;
      if (v === quote) break;
      if (v === AMP) {
        i = referenceEnd(buf, i, limit);
        if (i < 0) return -1;
      } else if (v === LT || (v < 0x20 && v !== LF && v !== TAB && v !== CR)) {
        return -1;
      }
    }
    if (i >= limit) return -1;
    i++;
  }
}

function skipSpaces(buf: Uint8Array, i: number, limit: number): number {
  while (i < limit && (CHAR_CLASS[buf[i]] & SPACE) !== 0) i++;
  return i;
}

/**
 * When the name spelled by `buf[nameStart, nameEnd)` also appears at `at` and ends there,
 * the index after it; otherwise -1.
 */
function matchRange(
  buf: Uint8Array,
  at: number,
  limit: number,
  nameStart: number,
  nameEnd: number,
): number {
  const end = at + nameEnd - nameStart;
  if (end >= limit) return -1;
  for (let k = nameStart, j = at; k < nameEnd; k++, j++) if (buf[j] !== buf[k]) return -1;
  return (CHAR_CLASS[buf[end]] & NAME_CHAR) === 0 ? end : -1;
}

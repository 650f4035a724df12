/**
 * A minimal DER encoder: just the ASN.1 types an X.509 certificate needs.
 *
 * @module
 */

/** Encodes one DER element: tag, definite length, contents. */
export function element(tag: number, contents: Uint8Array): Uint8Array<ArrayBuffer> {
  const length = contents.length;
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
      lengthBytes.unshift(rest & 0xff);
    }
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header);
  out.set(contents, header.length);
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `SEQUENCE { items }`. */
export function sequence(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return element(0x30, concat(items));
}

/** `SET { items }`. */
export function set(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return element(0x31, concat(items));
}

/** A non-negative `INTEGER` from its big-endian magnitude bytes (leading zeros trimmed). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array<ArrayBuffer> {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const padded = trimmed[0] & 0x80 ? concat([new Uint8Array([0]), trimmed]) : trimmed;
  return element(0x02, padded);
}

/** A small non-negative `INTEGER`. */
export function smallInteger(value: number): Uint8Array<ArrayBuffer> {
  return unsignedInteger(new Uint8Array([value >> 24, value >> 16, value >> 8, value]));
}

/** `BOOLEAN`. */
export function boolean(value: boolean): Uint8Array<ArrayBuffer> {
  return element(0x01, new Uint8Array([value ? 0xff : 0]));
}

/** `BIT STRING` with no unused bits. */
export function bitString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return element(0x03, concat([new Uint8Array([0]), bytes]));
}

/** `OCTET STRING`. */
export function octetString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return element(0x04, bytes);
}

/** `OBJECT IDENTIFIER` from dotted text, e.g. `2.5.4.3`. */
export function oid(dotted: string): Uint8Array<ArrayBuffer> {
  const arcs = dotted.split(".").map(Number);
  const bytes = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      groups.unshift(0x80 | (rest & 0x7f));
    }
    bytes.push(...groups);
  }
  return element(0x06, new Uint8Array(bytes));
}

/** `UTF8String`. */
export function utf8String(text: string): Uint8Array<ArrayBuffer> {
  return element(0x0c, new TextEncoder().encode(text));
}

/** `UTCTime` (`YYMMDDHHMMSSZ`); valid for years 1950 to 2049. */
export function utcTime(date: Date): Uint8Array<ArrayBuffer> {
  const digits = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return element(0x17, new TextEncoder().encode(`${digits}Z`));
}

/** Context-specific constructed tag `[n]` wrapping `contents` (EXPLICIT tagging). */
export function explicit(n: number, contents: Uint8Array): Uint8Array<ArrayBuffer> {
  return element(0xa0 | n, contents);
}

/** Context-specific primitive tag `[n]` holding raw bytes (IMPLICIT tagging). */
export function implicit(n: number, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return element(0x80 | n, bytes);
}

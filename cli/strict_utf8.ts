/**
 * Bytes a user gave the CLI (a password, a config file, a `--from` file) or that it kept (a
 * session file), read as UTF-8 strictly: bytes of another encoding are refused, never turned
 * into U+FFFD, which would log in with another password or keep another value without a word.
 *
 * @module
 */

/**
 * `bytes` as UTF-8, a leading byte order mark dropped; undefined when they are not UTF-8, or
 * are UTF-16 without a byte order mark (whose ASCII would read as UTF-8 with zero bytes).
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  if (looksUtf16(bytes)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Whether `bytes` start the way UTF-16 without a byte order mark does: every other one of the
 * first bytes zero, the others not (`<\0v\0`, `\0{\0"`). The text a user gives in UTF-8
 * holds no zero byte.
 */
export function looksUtf16(bytes: Uint8Array): boolean {
  const count = Math.min(bytes.length, 16) & ~1;
  if (count === 0) return false;
  const zeroAt = (first: number) => {
    for (let i = 0; i < count; i += 2) {
      if (bytes[i + first] !== 0 || bytes[i + 1 - first] === 0) return false;
    }
    return true;
  };
  return zeroAt(1) || zeroAt(0);
}

/**
 * Why `bytes`, which are not UTF-8 (see {@link utf8Text}), are not: as UTF-16 without a byte
 * order mark, or where the first byte that is not UTF-8 is; `skipped` bytes (a byte order
 * mark) came before them in the file. No byte of them is quoted: they may be a secret's.
 */
export function notUtf8(bytes: Uint8Array, skipped = 0): string {
  if (skipped === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return notUtf8(bytes.subarray(3), 3);
  }
  if (skipped === 0 && looksUtf16(bytes)) return "UTF-16 without a byte order mark";
  return `not UTF-8 at ${firstInvalid(bytes, skipped)}`;
}

/**
 * Where the first byte of `bytes` that is not UTF-8 is, as "line L, column C (byte offset B)";
 * `skipped` bytes came before `bytes` in the file.
 */
function firstInvalid(bytes: Uint8Array, skipped: number): string {
  // Decoded with replacement, the text before the first U+FFFD that the file does not spell
  // out (EF BF BD) is exact: encoded again, its length is the bad byte's offset.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const encoder = new TextEncoder();
  let offset = 0, from = 0, at = text.indexOf("\uFFFD");
  for (; at >= 0; at = text.indexOf("\uFFFD", at + 1)) {
    offset += encoder.encode(text.slice(from, at)).length;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) break;
    offset += 3;
    from = at + 1;
  }
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  return `line ${line}, column ${column} (byte offset ${skipped + offset})`;
}

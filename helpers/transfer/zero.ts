/**
 * Telling zeros from data in memory, fast: four bytes at a time where aligned, stopping at
 * the first byte that is not zero (so that data costs almost nothing to check).
 *
 * @module
 */

/** Whether every byte of `bytes` is zero. */
export function isZero(bytes: Uint8Array): boolean {
  const head = Math.min((4 - (bytes.byteOffset % 4)) % 4, bytes.length);
  for (let i = 0; i < head; i++) if (bytes[i] !== 0) return false;
  const words = (bytes.length - head) >>> 2;
  const view = new Uint32Array(bytes.buffer, bytes.byteOffset + head, words);
  for (let i = 0; i < words; i++) if (view[i] !== 0) return false;
  for (let i = head + words * 4; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Most bytes a zero check looks at in one go: areas of zeros smaller than this are sent. */
export const ZERO_STEP = 1024 * 1024;

/** A piece of a buffer: `zero` when all its bytes are zero. */
export interface Segment {
  /** Offset of the piece within the buffer. */
  start: number;
  /** Its length. */
  length: number;
  /** Whether it holds only zeros. */
  zero: boolean;
}

/**
 * Splits `bytes` into runs of data and of zeros, checked `step` bytes at a time (adjacent
 * steps of a kind merged): what a client sends as PUT and as PATCH zero.
 */
export function segments(bytes: Uint8Array, step = ZERO_STEP): Segment[] {
  const found: Segment[] = [];
  for (let start = 0; start < bytes.length; start += step) {
    const length = Math.min(step, bytes.length - start);
    const zero = isZero(bytes.subarray(start, start + length));
    const last = found.at(-1);
    if (last && last.zero === zero) last.length += length;
    else found.push({ start, length, zero });
  }
  return found;
}

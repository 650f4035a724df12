/**
 * The intern caches every reader shares: tag names, short repeating values and the `id`s
 * and `href`s of references. A cache maps bytes to the string they spell and holds copies
 * of those bytes, never a document, so sharing it is safe and spares a small document from
 * starting cold.
 *
 * @module
 */

import { isXmlName } from "./decode.ts";
import { InternCache } from "./intern_cache.ts";

/** Longest value (in bytes) kept by {@link VALUE_CACHE}. */
export const MAX_INTERNED_VALUE = 24;
/** Longest value (in bytes) kept by {@link REFERENCE_CACHE}. */
export const MAX_INTERNED_REFERENCE = 128;

/** Tag and attribute names (hash them with {@link nameHash}); keeps their bytes as keys. */
export const NAME_CACHE: InternCache = new InternCache(64, { accepts: isXmlName, keepKeys: true });
/** Short values that repeat: enums, booleans, link `rel`s. */
export const VALUE_CACHE: InternCache = new InternCache(MAX_INTERNED_VALUE);
/** The `id`s and `href`s of references, which repeat across the objects of a list. */
export const REFERENCE_CACHE: InternCache = new InternCache(MAX_INTERNED_REFERENCE, {
  secondSighting: true,
  slots: 2048,
  keepTails: true,
});

/** The cheap hash of the name `buf[start, end)` that {@link NAME_CACHE} is used with. */
export function nameHash(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  return (length << 24) ^ (buf[start] << 16) ^ (buf[end - 1] << 8) ^ buf[start + (length >> 1)];
}

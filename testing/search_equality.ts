/**
 * Fields the engine compares with SQL `=` and `!=` rather than `LIKE`: those its search
 * types as UUIDs (`SyntaxChecker.buildCustomizedRelation` turns only a text field's `=` into
 * `ILIKE`). Over a text column (a job's `correlation_id`, a host's `hw_id`) the value compares
 * as the text the engine's escaping makes of it, case and all; over a uuid column (the ids of
 * VMs, hosts, disks and templates) PostgreSQL reads the value as a UUID, and a value it cannot
 * read fails the query. Either way `""` and `null` test for an unset value (`IS NULL`).
 *
 * @module
 */

import type { Operator } from "./search.ts";
import { engineEscaped } from "./search_like.ts";

/** Whether `value` tests for an unset value: `""` or `null` in any case. */
export function isNullValue(value: string): boolean {
  return value === "" || value.toLowerCase() === "null";
}

/**
 * The hex digits of `text` in lower case if PostgreSQL reads it as a UUID (any case, in
 * braces or not, a `-` after any group of four digits or none), else `undefined`.
 */
export function uuidOf(text: string): string | undefined {
  const bare = text.startsWith("{") && text.endsWith("}") ? text.slice(1, -1) : text;
  if (!/^[0-9a-f]{4}(-?[0-9a-f]{4}){7}$/i.test(bare)) return undefined;
  return bare.replaceAll("-", "").toLowerCase();
}

/**
 * The test of `op` (`=` or `!=`) with `value` on the texts `read` gives of each item, over a
 * uuid column if `uuid`, else over a text one. `!=` holds for an item without a value too (the
 * engine writes `IS NULL OR`), except with `""` or `null` (`IS NOT NULL`).
 */
export function equality<T>(
  op: Operator,
  value: string,
  uuid: boolean,
  read: (item: T) => readonly string[],
): (item: T) => boolean {
  const unset = (item: T) => read(item).length === 0;
  if (isNullValue(value)) return op === "=" ? unset : (item) => !unset(item);
  const wanted = uuid ? uuidOf(value) : engineEscaped(value);
  const same = (stored: string) => (uuid ? uuidOf(stored) : stored) === wanted;
  const equal = (item: T) => read(item).some(same);
  return op === "=" ? equal : (item) => !equal(item);
}

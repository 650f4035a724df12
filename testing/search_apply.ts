/**
 * Applying a parsed search query to a collection, as the engine's search backend does:
 * filtering with the collection's fields (text by SQL `LIKE`, numbers, dates, enums by
 * the engine's numbers), sorting (ties by the collection's default order) and paging.
 *
 * @module
 */

import { Refusal } from "./answers.ts";
import type {
  Condition,
  EnumValue,
  FieldKind,
  Operator,
  SearchOptions,
  SearchQuery,
  SearchSchema,
} from "./search.ts";
import { searchDay } from "./search_dates.ts";
import { equality, isNullValue, uuidOf } from "./search_equality.ts";
import { type Like, like } from "./search_like.ts";

/** The 400 answer for a query on a field the simulator cannot evaluate. */
function notEvaluated(field: string, label: string): Refusal {
  return new Refusal(
    400,
    "Operation Failed",
    `[Cannot search: the simulator does not evaluate the engine's field "${field}" of ${label}.]`,
  );
}

/**
 * The 400 answer for free text on a collection whose engine fields hold no text: the engine
 * writes an empty condition, and its database refuses the query.
 */
function noFreeText(word: string, label: string): Refusal {
  return new Refusal(
    400,
    "Operation Failed",
    `[Cannot search: the engine's search of ${label} has no text field for the free text "${word}".]`,
  );
}

/**
 * The 400 answer for a value that is no UUID on a field the engine's database holds UUIDs
 * in (a VM's `id`): PostgreSQL cannot read it, and the engine's query fails.
 */
function failedUuid(condition: Condition, label: string): Refusal {
  return new Refusal(
    400,
    "Operation Failed",
    `[Cannot search: the engine's search of ${label} fails: "${condition.value}" is no UUID, ` +
      `which its field "${condition.field}" holds.]`,
  );
}

/**
 * Filters, sorts and pages `items` by `query` with the fields of `schema`. A value the
 * engine refuses (an unknown enum name, a date it cannot read, text for a number) or an
 * operator the field does not take (`name>a`, `time>=today`) finds nothing; a field the
 * simulator cannot evaluate, free text where the collection has no text field (jobs), or a
 * value that is no UUID for an id field the engine keeps as one, is refused with a 400
 * {@link Refusal}. All are decided before any item is looked at.
 */
export function applySearch<T>(
  items: readonly T[],
  query: SearchQuery,
  schema: SearchSchema<T>,
  options: SearchOptions,
): T[] {
  const fields = [
    ...query.criteria.flat(2).flatMap((condition) => condition.field ?? []),
    ...(query.sortBy === undefined ? [] : [query.sortBy]),
  ];
  const unsupported = fields.find((field) => schema.kindOf(field).kind === "unsupported");
  if (unsupported !== undefined) throw notEvaluated(unsupported, schema.label);
  const freeText = query.criteria.flat(2).find((condition) => condition.field === undefined);
  if (freeText && schema.freeText.length === 0) throw noFreeText(freeText.value, schema.label);
  const tests = query.criteria.map((alternatives) =>
    alternatives.map((all) => all.map((condition) => compile(condition, schema, options)))
  );
  if (tests.some((alternatives) => alternatives.some((all) => all.includes(undefined)))) {
    return [];
  }
  const notUuid = query.criteria.flat(2).find((condition) =>
    condition.field !== undefined && schema.kindOf(condition.field).kind === "uuid" &&
    !isNullValue(condition.value) && uuidOf(condition.value) === undefined
  );
  if (notUuid) throw failedUuid(notUuid, schema.label);
  const holds = (item: T) =>
    tests.every((alternatives) => alternatives.some((all) => all.every((test) => test!(item))));
  let found = items.filter(holds);
  const field = query.sortBy ?? schema.defaultOrder;
  if (field !== undefined) {
    const tie = schema.defaultOrder !== field ? schema.defaultOrder : undefined;
    const keyed = found.map((item) => ({
      item,
      key: orderKey(schema, item, field),
      tie: tie === undefined ? undefined : orderKey(schema, item, tie),
    }));
    keyed.sort((a, b) =>
      compareKeys(a.key, b.key) * (query.descending ? -1 : 1) ||
      (a.tie && b.tie ? compareKeys(a.tie, b.tie) : 0)
    );
    found = keyed.map((entry) => entry.item);
  }
  if (query.page !== undefined) {
    if (options.max === undefined) return query.page === 1 ? found : [];
    return found.slice((query.page - 1) * options.max, query.page * options.max);
  }
  return found;
}

/** The test of one condition; `undefined` when the engine refuses its value. */
function compile<T>(
  condition: Condition,
  schema: SearchSchema<T>,
  options: SearchOptions,
): ((item: T) => boolean) | undefined {
  if (condition.field === undefined) {
    const pattern = like(condition.value, {
      caseSensitive: options.caseSensitive,
      escapeUnderscore: true,
      anywhere: true,
    });
    return (item) => schema.freeText.some((field) => matches(schema.read(item, field), pattern));
  }
  const field = condition.field;
  if (!schema.operators(field).includes(condition.op)) return undefined;
  const afterAt = schema.afterAt(field);
  const at = condition.value.lastIndexOf("@");
  if (afterAt === undefined || at < 0) return compare(condition, field, schema, options);
  const { op, value } = condition;
  const both = [
    compare({ field, op, value: value.slice(0, at) }, field, schema, options),
    compile({ field: afterAt, op, value: value.slice(at + 1) }, schema, options),
  ];
  if (both.includes(undefined)) return undefined;
  return (item) => both.every((test) => test!(item));
}

/** The test of `condition` on `field` by the field's kind; `undefined` when refused. */
function compare<T>(
  condition: Condition,
  field: string,
  schema: SearchSchema<T>,
  options: SearchOptions,
): ((item: T) => boolean) | undefined {
  const read = (item: T) => schema.read(item, field);
  const kind = schema.kindOf(field);
  const value = condition.value;
  if (kind.kind === "enum") {
    const wanted = kind.values.find((one) => one.name.toLowerCase() === value.toLowerCase());
    if (!wanted) return undefined;
    return order(condition.op, (item) => enumRank(kind.values, values(read(item))[0]), wanted.rank);
  }
  if (kind.kind === "date") {
    const day = searchDay(value, options.now);
    if (!day) return undefined;
    const start = day.getTime();
    const end = start + 24 * 60 * 60 * 1000;
    const time = (item: T) => timeOf(values(read(item))[0]);
    if (condition.op === "=" || condition.op === "!=") {
      const equal = condition.op === "=";
      return (item) => {
        const at = time(item);
        return at !== undefined && (at >= start && at < end) === equal;
      };
    }
    return order(condition.op, time, start);
  }
  if (kind.kind === "exact" || kind.kind === "uuid") {
    return equality(
      condition.op,
      value,
      kind.kind === "uuid",
      (item) => values(read(item)).map(text),
    );
  }
  if (kind.kind === "number" && !/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return undefined;
  if (condition.op === "=" || condition.op === "!=") {
    const equal = condition.op === "=";
    const pattern = like(value, { caseSensitive: options.caseSensitive, escapeUnderscore: equal });
    return (item) => matches(read(item), pattern) === equal;
  }
  const target = sortKey(value, kind.kind);
  const sign = condition.op.startsWith("<") ? -1 : 1;
  const orEqual = condition.op.endsWith("=");
  return (item) =>
    values(read(item)).some((one) => {
      const compared = compareKeys(sortKey(one, kind.kind), target);
      return compared === sign || (orEqual && compared === 0);
    });
}

/** A test comparing a number of each item to `target` with `op`; absent numbers fail. */
function order<T>(
  op: Operator,
  number: (item: T) => number | undefined,
  target: number,
): (item: T) => boolean {
  return (item) => {
    const value = number(item);
    if (value === undefined) return op === "!=";
    switch (op) {
      case "=":
        return value === target;
      case "!=":
        return value !== target;
      case "<":
        return value < target;
      case "<=":
        return value <= target;
      case ">":
        return value > target;
      case ">=":
        return value >= target;
    }
  };
}

function enumRank(values: readonly EnumValue[], wire: unknown): number | undefined {
  return values.find((one) => one.wire === String(wire))?.rank;
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function orderKey<T>(schema: SearchSchema<T>, item: T, field: string): SortKey {
  const kind = schema.kindOf(field);
  const value = schema.read(item, field);
  if (kind.kind !== "enum") return sortKey(value, kind.kind);
  const rank = enumRank(kind.values, values(value)[0]);
  return rank === undefined ? { kind: 0, value: undefined } : { kind: 1, value: rank };
}

function values(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function matches(value: unknown, pattern: Like): boolean {
  return values(value).some((one) => pattern(text(one)));
}

function text(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

type SortKey = { kind: 0; value: undefined } | { kind: 1; value: number } | {
  kind: 2;
  value: string;
};

/**
 * How `value` of a field of `kind` sorts: numbers and dates by value, text as text (also
 * text made only of digits: the engine's `ORDER BY` over a text column puts "10" before "9").
 */
function sortKey(value: unknown, kind: FieldKind["kind"]): SortKey {
  const one = values(value)[0];
  if (one === undefined) return { kind: 0, value: undefined };
  if (one instanceof Date) return { kind: 1, value: one.getTime() };
  if (kind === "number") {
    if (typeof one === "number") return { kind: 1, value: one };
    if (typeof one === "boolean") return { kind: 1, value: one ? 1 : 0 };
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(String(one))) return { kind: 1, value: Number(one) };
  }
  if (kind === "date" && typeof one === "string") {
    const date = Date.parse(one);
    if (!Number.isNaN(date)) return { kind: 1, value: date };
  }
  return { kind: 2, value: String(one).toLowerCase() };
}

/** -1, 0 or 1; absent values sort first, numbers before strings. */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind === 0) return 0;
  const x = a.value!, y = b.value!;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The engine's search language (protocol section 6): parsing a query, filtering,
 * sorting and paging a collection with it, as the engine's syntax checker does.
 *
 * ```
 * query     := [criteria] ["sortby" field ["asc" | "desc"]] ["page" N]
 * criteria  := condition { ["and" | "or"] condition }
 * condition := field op value | word                        (a bare word is free text)
 * ```
 *
 * A written `and` binds tighter than `or`; conditions side by side without a connector
 * are AND-ed last (`a b or c` is `a and (b or c)`). A direction must follow the sort
 * field when a page follows. At most one free-text word. A query the engine's syntax
 * checker refuses finds nothing: {@link parseSearch} answers `undefined` and the list
 * is answered empty (200), as the engine answers it.
 *
 * @module
 */

import { Refusal } from "./answers.ts";
import { searchDay } from "./search_dates.ts";

/** A comparison operator of the language. */
export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** One condition; `field` is absent for free text. */
export interface Condition {
  /** Field name, lower case, possibly dotted (`host.name`); absent for a free-text word. */
  readonly field?: string;
  /** The comparison. */
  readonly op: Operator;
  /**
   * The value as the query gives it. Text compares as the engine's SQL `LIKE` does:
   * `*` and `%` stand for any run of characters and `\` escapes the character after it.
   */
  readonly value: string;
}

/** Conditions joined by written connectors: alternatives (OR) of conjunctions (AND). */
export type Alternatives = readonly (readonly Condition[])[];

/** A parsed query. */
export interface SearchQuery {
  /** Groups written side by side without a connector; every group must hold. */
  readonly criteria: readonly Alternatives[];
  /** The field to sort by, lower case. */
  readonly sortBy?: string;
  /** Whether sorting is descending. */
  readonly descending: boolean;
  /** 1-based page number; the page size is `max`. */
  readonly page?: number;
}

/** One value of an enum field: the engine's name for it, the API's, and its number. */
export interface EnumValue {
  /** The backend enum name the query writes (`WaitForLaunch`), any case. */
  readonly name: string;
  /** The value the API shows (`wait_for_launch`). */
  readonly wire: string;
  /** The number the engine stores, which orders the values. */
  readonly rank: number;
}

/** How the engine compares a field. */
export type FieldKind =
  | { readonly kind: "text" }
  | { readonly kind: "number" }
  | { readonly kind: "date" }
  | { readonly kind: "enum"; readonly values: readonly EnumValue[] }
  | { readonly kind: "unsupported" };

/** The search fields of one collection. */
export interface SearchSchema<T> {
  /** Whether the engine knows `field` (lower case) for this collection. */
  isField(field: string): boolean;
  /** How `field` compares. */
  kindOf(field: string): FieldKind;
  /** The operators the engine takes after `field`; another one is a syntax error. */
  operators(field: string): readonly Operator[];
  /** The value of `field` on `item` (a list for multi-valued fields), or `undefined`. */
  read(item: T, field: string): unknown;
  /** The fields a free-text word is looked for in. */
  readonly freeText: readonly string[];
  /** The field results are sorted by when the query does not sort, and ties after it. */
  readonly defaultOrder?: string;
  /** The collection's name, for messages. */
  readonly label: string;
}

/** How to apply a query. */
export interface SearchOptions {
  /** Compare text case-sensitively (`case_sensitive`). */
  readonly caseSensitive: boolean;
  /** Page size / truncation (`max`). */
  readonly max?: number;
  /** The time `today` and `yesterday` are relative to. */
  readonly now: Date;
}

/** Every operator, longest first (the order they are recognised in). */
export const OPERATORS: readonly Operator[] = ["!=", "<=", ">=", "=", "<", ">"];

interface Token {
  readonly text: string;
  readonly kind: "word" | "quoted" | "op";
  /** Offsets in the query, for telling `a=b` from `a = b`. */
  readonly start: number;
  readonly end: number;
}

/**
 * Characters the engine's syntax checker refuses anywhere in a query, quoted or not: it
 * then finds nothing, and the list is answered empty rather than refused.
 */
const DISALLOWED = /[';]/;

/** The 400 answer for a query on a field the simulator cannot evaluate. */
function notEvaluated(field: string, label: string): Refusal {
  return new Refusal(
    400,
    "Operation Failed",
    `[Cannot search: the simulator does not evaluate the engine's field "${field}" of ${label}.]`,
  );
}

/** A syntax error: the engine answers the query with an empty list. */
class Refused extends Error {}

/**
 * Parses `text`, taking as fields the words `isField` knows; `undefined` when the
 * engine's syntax checker refuses the query (so that it finds nothing).
 */
export function parseSearch(
  text: string,
  isField: (field: string) => boolean,
): SearchQuery | undefined {
  if (DISALLOWED.test(text)) return undefined;
  try {
    return parseTokens(tokenize(text), text, isField);
  } catch (error) {
    if (error instanceof Refused) return undefined;
    throw error;
  }
}

function parseTokens(
  tokens: Token[],
  text: string,
  isField: (field: string) => boolean,
): SearchQuery {
  const refuse = (): never => {
    throw new Refused();
  };
  const criteria: Condition[][][] = [];
  let connector: "and" | "or" | undefined;
  let freeText = false;
  let i = 0;
  const add = (condition: Condition) => {
    if (connector === undefined) criteria.push([[condition]]);
    else if (connector === "and") criteria.at(-1)!.at(-1)!.push(condition);
    else criteria.at(-1)!.push([condition]);
    connector = undefined;
  };
  const word = (at: number) => tokens[at]?.kind === "word" ? tokens[at].text.toLowerCase() : "";
  while (i < tokens.length && word(i) !== "sortby" && word(i) !== "page") {
    const token = tokens[i];
    const keyword = word(i);
    if (keyword === "and" || keyword === "or") {
      if (criteria.length === 0 || connector) refuse();
      connector = keyword;
      i++;
      continue;
    }
    if (token.kind === "op") refuse();
    const op = tokens[i + 1];
    if (op?.kind === "op") {
      const value = tokens[i + 2];
      if (!value || value.kind === "op") refuse();
      const field = token.text.toLowerCase();
      if (token.kind === "word" && isField(field)) {
        if (isLikeOperator(op.text) && /(^|[^\\])(\\\\)*\\$/.test(value.text)) refuse();
        add({ field, op: op.text as Operator, value: value.text });
      } else {
        // Not a field: written without spaces, the whole `x=y` is one free-text word.
        const joined = token.end === op.start && op.end === value.start &&
          token.kind === "word" && value.kind === "word";
        if (!joined || freeText) refuse();
        freeText = true;
        add({ op: "=", value: text.slice(token.start, value.end) });
      }
      i += 3;
    } else {
      if (token.kind === "word" && isField(keyword)) refuse();
      if (freeText) refuse();
      freeText = true;
      add({ op: "=", value: token.text });
      i++;
    }
  }
  if (connector) refuse();
  let sortBy: string | undefined;
  let descending = false;
  let page: number | undefined;
  if (word(i) === "sortby") {
    sortBy = word(i + 1);
    if (!isField(sortBy)) refuse();
    const direction = word(i + 2);
    i += 2;
    if (direction === "asc" || direction === "desc") {
      descending = direction === "desc";
      i++;
    } else if (i < tokens.length) {
      refuse();
    }
  }
  if (word(i) === "page") {
    const number = tokens[i + 1];
    if (number?.kind !== "word" || !/^[1-9][0-9]*$/.test(number.text)) refuse();
    page = Number(number.text);
    i += 2;
  }
  if (i < tokens.length) refuse();
  return { criteria, sortBy, descending, page };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Refused();
      tokens.push({ text: text.slice(i + 1, end), kind: "quoted", start: i, end: end + 1 });
      i = end + 1;
    } else {
      const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (op) {
        tokens.push({ text: op, kind: "op", start: i, end: i + op.length });
        i += op.length;
      } else if (c === "!") {
        throw new Refused();
      } else {
        let end = i;
        while (end < text.length && !/[\s"=!<>]/.test(text[end])) end++;
        tokens.push({ text: text.slice(i, end), kind: "word", start: i, end });
        i = end;
      }
    }
  }
  return tokens;
}

/**
 * Filters, sorts and pages `items` by `query` with the fields of `schema`. A value the
 * engine refuses (an unknown enum name, a date it cannot read, text for a number) or an
 * operator the field does not take (`name>a`, `time>=today`) finds nothing; a field the simulator cannot evaluate is refused with a 400 {@link Refusal}.
 * Both are decided before any item is looked at.
 */
export function applySearch<T>(
  items: readonly T[],
  query: SearchQuery,
  schema: SearchSchema<T>,
  options: SearchOptions,
): T[] {
  const flags = options.caseSensitive ? "" : "i";
  const fields = [
    ...query.criteria.flat(2).flatMap((condition) => condition.field ?? []),
    ...(query.sortBy === undefined ? [] : [query.sortBy]),
  ];
  const unsupported = fields.find((field) => schema.kindOf(field).kind === "unsupported");
  if (unsupported !== undefined) throw notEvaluated(unsupported, schema.label);
  const tests = query.criteria.map((alternatives) =>
    alternatives.map((all) => all.map((condition) => compile(condition, flags, schema, options)))
  );
  if (tests.some((alternatives) => alternatives.some((all) => all.includes(undefined)))) {
    return [];
  }
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
  flags: string,
  schema: SearchSchema<T>,
  options: SearchOptions,
): ((item: T) => boolean) | undefined {
  if (condition.field === undefined) {
    const pattern = wildcard(`*${condition.value}*`, flags);
    return (item) => schema.freeText.some((field) => matches(schema.read(item, field), pattern));
  }
  const field = condition.field;
  if (!schema.operators(field).includes(condition.op)) return undefined;
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
  if (kind.kind === "number" && !/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return undefined;
  if (condition.op === "=" || condition.op === "!=") {
    const pattern = wildcard(value, flags);
    const equal = condition.op === "=";
    return (item) => matches(read(item), pattern) === equal;
  }
  const target = sortKey(value);
  const sign = condition.op.startsWith("<") ? -1 : 1;
  const orEqual = condition.op.endsWith("=");
  return (item) =>
    values(read(item)).some((one) => {
      const compared = compareKeys(sortKey(one), target);
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
  return values.find((one) => one.wire === wire)?.rank;
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
  if (kind.kind !== "enum") return sortKey(value);
  const rank = enumRank(kind.values, values(value)[0]);
  return rank === undefined ? { kind: 0, value: undefined } : { kind: 1, value: rank };
}

function values(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function matches(value: unknown, pattern: RegExp): boolean {
  return values(value).some((one) => pattern.test(text(one)));
}

function text(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Whether the engine compares text with `op` by SQL `LIKE` (rather than by order). */
function isLikeOperator(op: string): boolean {
  return op === "=" || op === "!=";
}

/**
 * The pattern of a value as the engine matches text: it turns each `*` into `%` and
 * escapes each `_` with `\`, then PostgreSQL's `LIKE` reads `%` as any run of characters
 * (line breaks too), an unescaped `_` as any one character and `\` as escaping the
 * character after it. So `a\b` matches `ab`, `a\%` matches `a%`, and `\_` is a literal
 * `\` then any one character. A trailing `\` never gets here: {@link parseSearch} refuses it.
 */
function wildcard(value: string, flags: string): RegExp {
  const like = value.replaceAll("*", "%").replaceAll("_", "\\_");
  let body = "";
  for (let i = 0; i < like.length; i++) {
    const c = like[i];
    if (c === "%") body += ".*";
    else if (c === "_") body += ".";
    else body += literal(c === "\\" ? like[++i] : c);
  }
  return new RegExp(`^${body}$`, `${flags}s`);
}

/** `c` escaped for a regular expression. */
function literal(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

type SortKey = { kind: 0; value: undefined } | { kind: 1; value: number } | {
  kind: 2;
  value: string;
};

function sortKey(value: unknown): SortKey {
  const one = values(value)[0];
  if (one === undefined) return { kind: 0, value: undefined };
  if (typeof one === "number") return { kind: 1, value: one };
  if (typeof one === "boolean") return { kind: 1, value: one ? 1 : 0 };
  if (one instanceof Date) return { kind: 1, value: one.getTime() };
  const string = String(one);
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(string)) return { kind: 1, value: Number(string) };
  const date = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(string) ? Date.parse(string) : NaN;
  if (!Number.isNaN(date)) return { kind: 1, value: date };
  return { kind: 2, value: string.toLowerCase() };
}

/** -1, 0 or 1; absent values sort first, numbers before strings. */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind === 0) return 0;
  const x = a.value!, y = b.value!;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The engine's search language (protocol section 6): parsing a query, filtering,
 * sorting and paging a collection with it.
 *
 * ```
 * query     := [criteria] ["sortby" field ["asc" | "desc"]] ["page" N]
 * criteria  := condition { ["and" | "or"] condition }     (and binds tighter)
 * condition := field op value | word                        (a bare word is free text)
 * ```
 *
 * @module
 */

import { Refusal } from "./answers.ts";

/** A comparison operator of the language. */
export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** One condition; `field` is absent for free text. */
export interface Condition {
  /** Field name, possibly dotted (`cluster.name`); absent for a free-text word. */
  readonly field?: string;
  /** The comparison. */
  readonly op: Operator;
  /**
   * The value as the query gives it. Text compares as the engine's SQL `LIKE` does:
   * `*` and `%` stand for any run of characters and `\` escapes the character after it.
   */
  readonly value: string;
}

/** A parsed query: alternatives (OR) of conjunctions (AND), sorting and page. */
export interface SearchQuery {
  /** OR of ANDs; empty when the query has no criteria. */
  readonly criteria: readonly (readonly Condition[])[];
  /** The field to sort by. */
  readonly sortBy?: string;
  /** Whether sorting is descending. */
  readonly descending: boolean;
  /** 1-based page number; the page size is `max`. */
  readonly page?: number;
}

/** Reads a field of an object: its value (a list for multi-valued fields), or `undefined`. */
export type FieldReader<T> = (item: T, field: string) => unknown;

/** How to apply a query. */
export interface SearchOptions {
  /** Compare strings case-sensitively (`case_sensitive=true`). */
  readonly caseSensitive: boolean;
  /** Page size / truncation (`max`). */
  readonly max?: number;
  /** The field to sort by, ascending, when the query does not sort. */
  readonly defaultOrder?: string;
  /** The value a condition on `field` compares to, from the query's text (unit conversions). */
  readonly given?: (field: string, text: string) => string;
}

const OPERATORS: readonly Operator[] = ["!=", "<=", ">=", "=", "<", ">"];

interface Token {
  readonly text: string;
  readonly kind: "word" | "quoted" | "op";
}

/**
 * Characters the engine's syntax checker refuses anywhere in a query, quoted or not: it
 * then finds nothing, and the list is answered empty rather than refused.
 */
const DISALLOWED = /[';]/;

/** Whether the engine's syntax checker refuses `query` outright (so that it matches nothing). */
export function refusedOutright(query: string): boolean {
  return DISALLOWED.test(query);
}

/** The 400 answer for a query the language does not allow. */
export function malformed(query: string, why: string): Refusal {
  return new Refusal(
    400,
    "Operation Failed",
    `[Cannot search: malformed query "${query}": ${why}.]`,
  );
}

/** Parses `text`; throws a 400 {@link Refusal} for a malformed query. */
export function parseSearch(text: string): SearchQuery {
  const tokens = tokenize(text);
  const criteria: Condition[][] = [];
  let current: Condition[] = [];
  let connector: string | undefined;
  let sortBy: string | undefined;
  let descending = false;
  let page: number | undefined;
  let i = 0;
  const fail = (why: string) => malformed(text, why);
  while (i < tokens.length) {
    const token = tokens[i];
    const keyword = token.kind === "word" ? token.text.toLowerCase() : "";
    if (keyword === "sortby" || keyword === "page") {
      if (connector) throw fail(`"${connector}" is not followed by a condition`);
      if (keyword === "sortby") {
        if (sortBy !== undefined || page !== undefined) throw fail("misplaced sortby");
        const field = tokens[i + 1];
        if (field?.kind !== "word") throw fail("sortby needs a field");
        sortBy = field.text;
        i += 2;
        const order = tokens[i]?.kind === "word" ? tokens[i].text.toLowerCase() : "";
        if (order === "asc" || order === "desc") {
          descending = order === "desc";
          i++;
        }
      } else {
        if (page !== undefined) throw fail("page given twice");
        const number = tokens[i + 1];
        if (number?.kind !== "word" || !/^[1-9][0-9]*$/.test(number.text)) {
          throw fail("page needs a positive number");
        }
        page = Number(number.text);
        i += 2;
      }
      continue;
    }
    if (sortBy !== undefined || page !== undefined) throw fail(`unexpected "${token.text}"`);
    if (keyword === "and" || keyword === "or") {
      if (current.length === 0 || connector) throw fail(`misplaced "${token.text}"`);
      connector = keyword;
      if (keyword === "or") {
        criteria.push(current);
        current = [];
      }
      i++;
      continue;
    }
    connector = undefined;
    if (token.kind === "op") throw fail(`"${token.text}" needs a field before it`);
    const op = tokens[i + 1];
    if (op?.kind === "op") {
      const value = tokens[i + 2];
      if (token.kind !== "word") throw fail("a field name cannot be quoted");
      if (!value || value.kind === "op") throw fail(`"${token.text}${op.text}" needs a value`);
      if (isLikeOperator(op.text) && /(^|[^\\])(\\\\)*\\$/.test(value.text)) {
        throw fail(`the value "${value.text}" ends with an escape character`);
      }
      current.push({ field: token.text, op: op.text as Operator, value: value.text });
      i += 3;
    } else {
      current.push({ op: "=", value: token.text });
      i++;
    }
  }
  if (connector) throw fail(`"${connector}" is not followed by a condition`);
  if (current.length > 0) criteria.push(current);
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
      if (end < 0) throw malformed(text, "unterminated quote");
      tokens.push({ text: text.slice(i + 1, end), kind: "quoted" });
      i = end + 1;
    } else {
      const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (op) {
        tokens.push({ text: op, kind: "op" });
        i += op.length;
      } else if (c === "!") {
        throw malformed(text, 'a lone "!"');
      } else {
        let end = i;
        while (end < text.length && !/[\s"=!<>]/.test(text[end])) end++;
        tokens.push({ text: text.slice(i, end), kind: "word" });
        i = end;
      }
    }
  }
  return tokens;
}

/** Filters, sorts and pages `items` by `query`, reading fields with `read`. */
export function applySearch<T>(
  items: readonly T[],
  query: SearchQuery,
  read: FieldReader<T>,
  options: SearchOptions,
): T[] {
  const flags = options.caseSensitive ? "" : "i";
  const given = options.given ?? ((_field: string, text: string) => text);
  const tests = query.criteria.map((all) =>
    all.map((condition) => compile(condition, flags, read, given))
  );
  let found = tests.length === 0
    ? [...items]
    : items.filter((item) => tests.some((all) => all.every((test) => test(item))));
  const field = query.sortBy ?? options.defaultOrder;
  if (field !== undefined) {
    const keyed = found.map((item) => ({ item, key: sortKey(read(item, field)) }));
    keyed.sort((a, b) => compareKeys(a.key, b.key) * (query.descending ? -1 : 1));
    found = keyed.map((entry) => entry.item);
  }
  if (query.page !== undefined) {
    if (options.max === undefined) return query.page === 1 ? found : [];
    return found.slice((query.page - 1) * options.max, query.page * options.max);
  }
  return found;
}

function compile<T>(
  condition: Condition,
  flags: string,
  read: FieldReader<T>,
  given: (field: string, text: string) => string,
): (item: T) => boolean {
  if (condition.field === undefined) {
    const pattern = wildcard(`*${condition.value}*`, flags);
    return (item) =>
      [read(item, "name"), read(item, "description")].some((v) => matches(v, pattern));
  }
  const field = condition.field;
  const value = given(field, condition.value);
  switch (condition.op) {
    case "=": {
      const pattern = wildcard(value, flags);
      return (item) => matches(read(item, field), pattern);
    }
    case "!=": {
      const pattern = wildcard(value, flags);
      return (item) => !matches(read(item, field), pattern);
    }
    default: {
      const sign = condition.op.startsWith("<") ? -1 : 1;
      const orEqual = condition.op.endsWith("=");
      const target = sortKey(value);
      return (item) =>
        values(read(item, field)).some((value) => {
          const order = compareKeys(sortKey(value), target);
          return order === sign || (orEqual && order === 0);
        });
    }
  }
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

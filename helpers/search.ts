/**
 * Building search expressions (the `search` of `list`) with values quoted, and
 * wildcards only where asked for.
 *
 * What the engine's search language can say, from its parser: a value in double quotes
 * runs to the next `"` (there is no escape for a quote inside), a bare value ends at a
 * space or an operator, and `*` in a value is always a wildcard. The engine compares text
 * with SQL's `LIKE` after escaping the value: a `%` is itself, and so is a `_` but after
 * `!=` (where it is any one character; an enum's value or an OS name, read through a table,
 * is compared exactly), a `*` any run of characters, and a `\` is doubled
 * or not by rules of its own (next to a `%` or another `\` it is not; a value may not end
 * with one). Its syntax checker also refuses `'` and
 * `;` anywhere in a query, quoted or not, and then answers an empty list (no error). A
 * value holding a `"`, a `'`, a `;`, a `\` or a literal `*` cannot be matched exactly by
 * the engine: the builder puts a `*` in place of each of the first four (a `*` matches any
 * run already), so that the engine answers a few objects too many, and
 * {@link SearchQuery.filter} keeps only the exact matches. A `status` is read by the
 * engine's own names for its enum values, which are the API's without underscores
 * (`NonOperational`, in any case): the builder writes `where.eq("status", "non_operational")`
 * as `status=nonoperational`. A VM's `migrating` has no such name (the engine has
 * `migratingfrom` and `migratingto`): `status=migrating` is written as
 * `status=migratingfrom or status=migratingto`, `status!=migrating` as neither of them.
 *
 * @example
 * ```ts
 * import { Connection, searchQuery, where } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const vmsService = connection.systemService().vmsService();
 * const query = searchQuery(
 *   where.and(where.eq("name", 'my "odd" vm'), where.like("cluster", "prod*")),
 *   { sortBy: "name" },
 * );
 * console.log(query.text); // name="my *odd* vm" and cluster=prod* sortby name asc
 * const vms = query.filter(await vmsService.list({ search: query.text }));
 * ```
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { formatDecimal } from "../transport/xml/values.ts";
import { shownValue } from "./search_fields.ts";

/** A value to compare with. */
export type SearchValue = string | number | boolean;

/** A comparison of the language. */
export type SearchOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** One comparison: `field op value`. */
export interface SearchComparison {
  /** Which kind of node. */
  readonly kind: "comparison";
  /** The field (`name`, `cluster`, `vms.status`...). */
  readonly field: string;
  /** The operator. */
  readonly op: SearchOperator;
  /** The value as the engine sees it (`*` a wildcard, quoted when needed). */
  readonly text: string;
  /** When the engine cannot match the value exactly: the pattern to check it with here. */
  readonly exactly?: RegExp;
}

/** Conditions joined with `and` or `or`. */
export interface SearchJunction {
  /** Which kind of node. */
  readonly kind: "and" | "or";
  /** The joined conditions. */
  readonly conditions: readonly SearchCondition[];
}

/** A condition: a comparison, or conditions joined. */
export type SearchCondition = SearchComparison | SearchJunction;

/** Sorting of a {@link searchQuery}. */
export interface SearchQueryOptions {
  /** The field to sort by. */
  sortBy?: string;
  /** `asc` (default) or `desc`. */
  order?: "asc" | "desc";
}

/** A search expression ready to send, and the check of what the engine cannot say exactly. */
export interface SearchQuery {
  /** The expression, for the `search` option of `list`. */
  readonly text: string;
  /** Whether the engine matches exactly what was asked (else use {@link SearchQuery.filter}). */
  readonly exact: boolean;
  /**
   * `items` that match the conditions the engine matched loosely (all, when exact), each
   * compared on the attribute the engine's field stands for (`message` of events is their
   * `description`, `usrname` of users their `principal` and `domain`). An item whose value
   * cannot be checked here is kept: a struct is compared by its `name`, which a reference
   * (`cluster` of a VM) carries only when the list was asked with `follow`. A field that no
   * item shows at all (an engine field the API has no attribute for: a VM's `ip`, `tag`)
   * rejects with an {@link OvirtError} rather than keep every item unchecked.
   */
  filter<T extends object>(items: readonly T[], options?: { caseSensitive?: boolean }): T[];
  /** The same as `text`. */
  toString(): string;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYWORDS = new Set(["and", "or", "sortby", "page", "asc", "desc"]);
/**
 * What no value of the language can hold as itself: a double quote, a backslash (which the
 * engine escapes by rules of its own), and `'` and `;`, which the engine's syntax checker
 * refuses anywhere (it then finds nothing).
 */
const UNSAYABLE = /["';\\]/g;
/** The most conjunctions one query may expand to (the language has no parentheses). */
const MAX_TERMS = 64;

function checkField(field: string, where: string): void {
  if (typeof field !== "string" || !FIELD.test(field)) {
    throw new OvirtError(`${where}: ${JSON.stringify(field)} is not a search field name`);
  }
}

/** A `status` field, of the object searched or of one it refers to (`vms.status`). */
const STATUS_FIELD = /(^|\.)status$/i;
/**
 * The fields whose values the engine's search reads through a table (its enums, the OS
 * names), comparing them exactly, `_` and all, also after `!=`.
 */
const VALUE_TABLE_FIELD = new RegExp(
  `(^|\\.)(${
    [
      "allocation_policy",
      "architecture",
      "bios_type",
      "disk_content_type",
      "disk_type",
      "external_status",
      "os",
      "severity",
      "status",
      "type",
    ].join("|")
  })$`,
  "i",
);
/** A value spelled as the API spells an enum's value (`wait_for_launch`). */
const ENUM_VALUE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** `value` as the language writes it: quoted when it must be. */
function written(value: string): string {
  const needsQuotes = value === "" || /[\s=!<>()]/.test(value) ||
    KEYWORDS.has(value.toLowerCase());
  return needsQuotes ? `"${value}"` : value;
}

/**
 * The comparison of `field` with `value`; with `wildcards`, `*` in `value` matches any
 * run of characters, else it is literal.
 */
function comparison(
  method: string,
  op: SearchOperator,
  field: string,
  value: SearchValue,
  wildcards: boolean,
): SearchComparison {
  const where = `where.${method}`;
  checkField(field, where);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new OvirtError(`${where}: ${value} is not a number`);
    return { kind: "comparison", field, op, text: formatDecimal(value) }; // never `1e+21`
  }
  if (typeof value === "boolean") return { kind: "comparison", field, op, text: String(value) };
  if (typeof value !== "string") {
    throw new OvirtError(`${where}: the value of ${field} must be a string, number or boolean`);
  }
  if (STATUS_FIELD.test(field) && ENUM_VALUE.test(value)) {
    // The engine reads a status by its own enum's name, which is the API's without the
    // underscores (`non_operational` is `NonOperational`), and finds nothing for the API's.
    return { kind: "comparison", field, op, text: value.replaceAll("_", "") };
  }
  // `*` stays `*`: a wildcard as asked for, or (literal) a loose stand-in for itself.
  const engine = value.replace(UNSAYABLE, "*");
  // After `!=` the engine leaves `_` a one-character wildcard in text (it escapes it for `=`
  // only); a field it reads through a table of values (an enum, `os`) it compares exactly.
  const loose = engine !== value || (!wildcards && value.includes("*")) ||
    (op === "!=" && value.includes("_") && !VALUE_TABLE_FIELD.test(field));
  const text = written(engine);
  if (!loose) return { kind: "comparison", field, op, text };
  if (op !== "=") {
    throw new OvirtError(
      `${where}: the engine cannot compare ${field} with ${JSON.stringify(value)} exactly ` +
        "(it holds a character its search language cannot take literally)",
    );
  }
  return { kind: "comparison", field, op, text, exactly: pattern(value, wildcards) };
}

/** A pattern matching `value` whole, `*` any run of characters when `wildcards`. */
function pattern(value: string, wildcards: boolean): RegExp {
  const quote = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = wildcards ? value.split("*").map(quote).join("[\\s\\S]*") : quote(value);
  return new RegExp(`^${body}$`);
}

function junction(kind: "and" | "or", conditions: readonly SearchCondition[]): SearchJunction {
  if (conditions.length === 0) throw new OvirtError(`where.${kind}: give at least one condition`);
  for (const condition of conditions) {
    if (!isCondition(condition)) {
      throw new OvirtError(`where.${kind}: ${shown(condition)} is not a condition made by where`);
    }
  }
  return { kind, conditions };
}

/** Whether `value` is a condition `where` made (or one of the same shape). */
function isCondition(value: unknown): value is SearchCondition {
  if (typeof value !== "object" || value === null) return false;
  const node = value as Record<"kind" | "field" | "op" | "text" | "conditions", unknown>;
  if (node.kind === "comparison") {
    return typeof node.field === "string" && typeof node.op === "string" &&
      typeof node.text === "string";
  }
  return (node.kind === "and" || node.kind === "or") && Array.isArray(node.conditions);
}

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Conditions of a search: comparisons, and `and`/`or` to join them. */
export const where = {
  /** `field=value`, the value literal (a `*` in it is no wildcard). */
  eq: (field: string, value: SearchValue): SearchComparison =>
    comparison("eq", "=", field, value, false),
  /** `field!=value`, the value literal; refused for a value the engine cannot say exactly. */
  ne: (field: string, value: SearchValue): SearchComparison =>
    comparison("ne", "!=", field, value, false),
  /** `field=pattern` where `*` matches any run of characters (`like("name", "web*")`). */
  like: (field: string, pattern: string): SearchComparison =>
    comparison("like", "=", field, pattern, true),
  /** `field<value`. */
  lt: (field: string, value: SearchValue): SearchComparison =>
    comparison("lt", "<", field, value, false),
  /** `field<=value`. */
  le: (field: string, value: SearchValue): SearchComparison =>
    comparison("le", "<=", field, value, false),
  /** `field>value`. */
  gt: (field: string, value: SearchValue): SearchComparison =>
    comparison("gt", ">", field, value, false),
  /** `field>=value`. */
  ge: (field: string, value: SearchValue): SearchComparison =>
    comparison("ge", ">=", field, value, false),
  /** All of `conditions`. */
  and: (...conditions: SearchCondition[]): SearchJunction => junction("and", conditions),
  /** Any of `conditions`. */
  or: (...conditions: SearchCondition[]): SearchJunction => junction("or", conditions),
};

/**
 * A VM's `status` `migrating` as the engine's search can say it, which has `migratingfrom`
 * and `migratingto` instead: `=` either of them, `!=` neither; `undefined` for any other
 * comparison.
 */
function migrating(comparison: SearchComparison): SearchComparison[][] | undefined {
  const { field, op, text } = comparison;
  if (!STATUS_FIELD.test(field) || text.toLowerCase() !== "migrating") return undefined;
  const [from, to] = ["migratingfrom", "migratingto"].map((name) => ({
    ...comparison,
    text: name,
  }));
  if (op === "=") return [[from], [to]];
  if (op === "!=") return [[from, to]];
  return undefined;
}

/** `condition` as an OR of ANDs (the language has no parentheses; `and` binds tighter). */
function disjunction(condition: SearchCondition): SearchComparison[][] {
  const kind = typeof condition === "object" && condition !== null ? condition.kind : undefined;
  if (kind !== "comparison" && kind !== "and" && kind !== "or") {
    throw new OvirtError(
      "searchQuery: a condition is made with where.eq, where.like, where.and...",
    );
  }
  if (condition.kind === "comparison") return migrating(condition) ?? [[condition]];
  const parts = condition.conditions.map(disjunction);
  if (condition.kind === "or") return parts.flat();
  let terms: SearchComparison[][] = [[]];
  for (const part of parts) {
    terms = terms.flatMap((term) => part.map((alternative) => [...term, ...alternative]));
    if (terms.length > MAX_TERMS) {
      throw new OvirtError(`searchQuery: the condition expands to more than ${MAX_TERMS} terms`);
    }
  }
  return terms;
}

/**
 * A search expression for `condition` (none: every object), sorted as `options` say.
 * Rejects with an {@link OvirtError} a bad field name, and a loose comparison (see the
 * module notes) inside an `or`, where a filter could not tell which alternative matched.
 */
export function searchQuery(
  condition?: SearchCondition,
  options: SearchQueryOptions = {},
): SearchQuery {
  const terms = condition ? disjunction(condition) : [];
  const loose = [...new Set(terms.flat().filter((comparison) => comparison.exactly))];
  // A loose comparison every alternative holds (`name=...` and-ed with a `status=migrating`,
  // which expands to two) can be checked here; one some alternatives lack cannot.
  if (loose.some((comparison) => terms.some((term) => !term.includes(comparison)))) {
    throw new OvirtError(
      `searchQuery: ${loose[0].field} cannot be matched exactly inside "or" ` +
        "(search each alternative on its own)",
    );
  }
  const parts = terms.map((term) =>
    term.map((comparison) => `${comparison.field}${comparison.op}${comparison.text}`).join(" and ")
  );
  let text = parts.join(" or ");
  if (options.sortBy !== undefined) {
    checkField(options.sortBy, "searchQuery sortBy");
    const order = options.order ?? "asc";
    if (order !== "asc" && order !== "desc") {
      throw new OvirtError(`searchQuery: order must be "asc" or "desc", not ${String(order)}`);
    }
    text = `${text} sortby ${options.sortBy} ${order}`.trim();
  }
  return {
    text,
    exact: loose.length === 0,
    filter: (items, filterOptions = {}) => filtered(items, loose, filterOptions.caseSensitive),
    toString: () => text,
  };
}

/**
 * Whether `item` may match `comparison` exactly: `false` only when the value it shows (see
 * {@link shownValue}: the attribute the engine's field stands for, a struct by its `name`)
 * says it does not. `undefined` when the item shows nothing to check.
 */
function matches(
  item: object,
  comparison: SearchComparison,
  caseSensitive = false,
): boolean | undefined {
  const exactly = comparison.exactly!;
  const flags = caseSensitive ? "" : "i";
  // `@` is no special character of a pattern: it is in the source only if in the value.
  const shown = shownValue(item, comparison.field, exactly.source.includes("@"));
  if (shown.kind === "none") return undefined;
  if (shown.kind === "reference") return true; // `follow` would bring the name; kept
  if (shown.kind === "login") {
    // `usrname=login@directory`: each part compared on its own, split at the last `@`.
    const split = exactly.source.lastIndexOf("@");
    return new RegExp(`${exactly.source.slice(0, split)}$`, flags).test(shown.login) &&
      new RegExp(`^${exactly.source.slice(split + 1)}`, flags).test(shown.directory);
  }
  const test = new RegExp(exactly.source, flags);
  return shown.values.some((value) => test.test(value));
}

/**
 * `items` that match every loose comparison; an item that shows nothing of a field is kept,
 * as the engine matched it, but a field none of them shows is refused: it cannot be checked.
 */
function filtered<T extends object>(
  items: readonly T[],
  loose: readonly SearchComparison[],
  caseSensitive?: boolean,
): T[] {
  return loose.reduce((kept, comparison) => {
    const checked = kept.map((item) => matches(item, comparison, caseSensitive));
    if (kept.length > 0 && checked.every((result) => result === undefined)) {
      throw new OvirtError(
        `searchQuery filter: cannot check ${comparison.field}=${comparison.text}: none of the ` +
          `${kept.length} items shows its value (the API does not show every search field): ` +
          "compare it in your own code, or search by another field",
      );
    }
    return kept.filter((_, index) => checked[index] !== false);
  }, [...items]);
}

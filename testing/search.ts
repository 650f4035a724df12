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
 * is answered empty (200), as the engine answers it. Applying a query to a collection:
 * search_apply.ts.
 *
 * @module
 */

/** A comparison operator of the language. */
export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** One condition; `field` is absent for free text. */
export interface Condition {
  /** Field name, lower case, possibly dotted (`host.name`); absent for a free-text word. */
  readonly field?: string;
  /** The comparison. */
  readonly op: Operator;
  /**
   * The value as the query gives it, never ending with `\`. Text compares as the engine's
   * SQL `LIKE` does once the engine has escaped the value (search_like.ts): `*` stands for
   * any run of characters, a `%` or a `\` is mostly itself.
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
  | { readonly kind: "exact" }
  | { readonly kind: "uuid" }
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
  /** The field a value's part after its last `@` compares with (see `FieldSpec.afterAt`). */
  afterAt(field: string): string | undefined;
  /** The value of `field` on `item` (a list for multi-valued fields), or `undefined`. */
  read(item: T, field: string): unknown;
  /** The fields a free-text word is looked for in. */
  readonly freeText: readonly string[];
  /** The field results are sorted by when the query does not sort, and ties after it. */
  readonly defaultOrder?: string;
  /** What the collection holds, for messages (`VM objects`). */
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
    // The engine escapes every value for its SQL, and refuses one ending with `\`.
    if (condition.value.endsWith("\\")) refuse();
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

/**
 * Command-line text to the typed values the services take: numbers with size suffixes,
 * enum values checked against the model, dates, and structs given as JSON, as
 * `key=value,...`, or as a bare name or id (a name only where the struct has one).
 *
 * @module
 */

import { ENUMS, type MemberMeta, type ParamSpec, STRUCTS } from "./model.ts";
import { UsageError } from "./errors.ts";
import { camel } from "./names.ts";

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` has the shape of an engine id (a UUID). */
export function looksLikeId(text: string): boolean {
  return UUID.test(text);
}

/** Every member of a struct, inherited ones first. */
export function membersOf(type: string): MemberMeta[] {
  const struct = STRUCTS[type];
  if (!struct) return [];
  return [...(struct.base ? membersOf(struct.base) : []), ...struct.members];
}

/** The member of `type` named `word` (camelCase, snake_case or kebab-case). */
export function memberOf(type: string, word: string): MemberMeta | undefined {
  const name = camel(word);
  return membersOf(type).find((member) => member.name === name || member.tag === word);
}

/** An integer, optionally with a size suffix: `2GiB`, `1.5G`, `512M`, `10`. */
export function parseInteger(text: string, what: string): number {
  const match = /^(-?\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unitName = match?.[2].toLowerCase() ?? "";
  const unit = match && Object.hasOwn(SIZE_UNITS, unitName) ? SIZE_UNITS[unitName] : undefined;
  // A fraction only with a unit, and only one that makes whole bytes (1.5G, not 1.5 or 0.1K).
  const value = unit !== undefined ? Number(match![1]) * unit : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(
      `${what}: "${text}" is not an integer (sizes may end in K, M, G, T, as 1.5G or 512M)`,
    );
  }
  return value;
}

/**
 * A whole number without a size suffix: `10`, `-1`. The integer parameters of methods are
 * counts, ids, percentages and times (`--max`, the `--from` of events), never sizes.
 */
export function parseCount(text: string, what: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new UsageError(
      `${what}: "${text}" is not a whole number (a count or id, no size suffix)`,
    );
  }
  return value;
}

/** Converts one text to a value of `kind` (`type` naming the enum or struct). */
export function convert(
  text: string,
  spec: { kind: string; type?: string },
  what: string,
): unknown {
  switch (spec.kind) {
    case "string":
      return text;
    case "integer":
      return parseInteger(text, what);
    case "decimal": {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value)) {
        throw new UsageError(`${what}: "${text}" is not a number`);
      }
      return value;
    }
    case "boolean":
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      throw new UsageError(`${what}: "${text}" is not true or false`);
    case "date": {
      const value = new Date(text);
      if (Number.isNaN(value.getTime())) throw new UsageError(`${what}: "${text}" is not a date`);
      return value;
    }
    case "enum": {
      const values = ENUMS[spec.type!]?.values ?? [];
      if (!values.includes(text)) {
        throw new UsageError(`${what}: "${text}" is not one of ${values.join(", ")}`);
      }
      return text;
    }
    case "struct":
      return parseStruct(text, spec.type!, what);
  }
  throw new UsageError(`${what}: values of kind ${spec.kind} are not supported`);
}

/**
 * A struct from the command line: a JSON object (`{"name":"x"}`), `key=value` pairs
 * separated by commas (`name=x,cpu.topology.cores=2`), or a bare word meaning the id
 * (when it looks like one) or the name (refused for a struct without a name, as a Ticket);
 * for a version its numbers, for a CPU its type.
 */
export function parseStruct(text: string, type: string, what: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${what}: invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new UsageError(`${what}: the JSON must be an object`);
    }
    return fromJson(value as Record<string, unknown>, type, what);
  }
  if (!trimmed.includes("=")) {
    const bare = Object.hasOwn(BARE_WORDS, type) ? BARE_WORDS[type] : undefined;
    if (bare) return bare.read(trimmed, what);
    if (looksLikeId(trimmed)) return { id: trimmed };
    const members = membersOf(type).map((member) => member.name);
    if (members.includes("name")) return { name: trimmed };
    // The word is not shown: it may be a secret (`--ticket` takes one).
    const settable = members.filter((name) => name !== "id" && name !== "href");
    throw new UsageError(
      `${what}: a ${type} has no name, so a bare word cannot be one; give its members as ` +
        `key=value pairs (${settable.slice(0, 4).map((name) => `${name}=...`).join(",")}) ` +
        `or as JSON ({"${settable[0] ?? "id"}": ...}), or its id`,
    );
  }
  const result: Record<string, unknown> = {};
  for (const pair of splitPairs(trimmed)) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`${what}: "${pair}" is not key=value`);
    setPath(result, type, pair.slice(0, equals).trim().split("."), pair.slice(equals + 1), what);
  }
  return result;
}

/**
 * Structs whose bare word means another member than the name, which the engine does not
 * read for them: a version's numbers (`--version 4.7`), a CPU's type
 * (`--cpu "Intel Icelake Server Family"`); with what help says the word is.
 */
const BARE_WORDS: Readonly<
  Record<string, {
    read: (word: string, what: string) => Record<string, unknown>;
    shown: string;
  }>
> = {
  Version: {
    read: (word, what) => {
      if (!/^\d+(\.\d+){1,3}$/.test(word)) {
        throw new UsageError(
          `${what}: "${word}" is not a version: give MAJOR.MINOR (4.7), or major=4,minor=7`,
        );
      }
      const [major, minor, build, revision] = word.split(".").map(Number);
      return {
        major,
        minor,
        ...(build === undefined ? {} : { build }),
        ...(revision === undefined ? {} : { revision }),
      };
    },
    shown: "MAJOR.MINOR (4.7)",
  },
  Cpu: { read: (word) => ({ type: word }), shown: 'its type ("Intel Icelake Server Family")' },
};

/**
 * What a flag of struct `type` takes, for help: its bare word (a name, a version's numbers,
 * a CPU's type; none for a struct without a name, such as a ticket), an id where a bare word
 * can be one, `key=value,...` or JSON.
 */
export function structValues(type: string): string {
  const bare = Object.hasOwn(BARE_WORDS, type) ? BARE_WORDS[type] : undefined;
  if (bare) return `${bare.shown}, key=value,... or JSON`;
  if (membersOf(type).some((member) => member.name === "name")) {
    return "a name, an id, key=value,... or JSON";
  }
  return "key=value,... or JSON, or an id (it has no name)";
}

function splitPairs(text: string): string[] {
  // A comma starts a new pair only when what follows looks like `key=`.
  return text.split(/,(?=\s*[A-Za-z_][\w.-]*=)/);
}

function setPath(
  target: Record<string, unknown>,
  type: string,
  path: string[],
  text: string,
  what: string,
): void {
  const member = memberOf(type, path[0]);
  if (!member) throw new UsageError(`${what}: ${type} has no member "${path[0]}"`);
  if (path.length === 1) {
    const item = convert(text, member, `${what} ${path[0]}`);
    target[member.name] = member.list ? [item] : item;
    return;
  }
  if (member.kind !== "struct" || member.list) {
    throw new UsageError(`${what}: "${path[0]}" has no members to set`);
  }
  const inner = (target[member.name] ??= {}) as Record<string, unknown>;
  setPath(inner, member.type!, path.slice(1), text, what);
}

/**
 * A JSON object as a typed struct: member names may be camelCase or the wire's
 * snake_case; dates become `Date`s; unknown members are refused.
 */
export function fromJson(
  json: Record<string, unknown>,
  type: string,
  what: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const member = memberOf(type, key);
    if (!member) throw new UsageError(`${what}: ${type} has no member "${key}"`);
    // `-o json` writes a list the engine sent only as a link as `{ "href": ... }`: not fetched,
    // so left as it is on the engine, not cleared.
    if (member.list && isLink(value)) continue;
    // `cpu_shares` and `cpuShares` are one member: JSON keeps both keys, the object one value.
    if (Object.hasOwn(result, member.name)) {
      throw new UsageError(`${what}: ${type} member "${key}" given again under another spelling`);
    }
    result[member.name] = member.list
      ? asArray(value, `${what} ${key}`).map((item) => fromJsonValue(item, member, what))
      : fromJsonValue(value, member, what);
  }
  return result;
}

/** Whether `value` is an object of just an `href`: a list as `-o json` writes a link. */
function isLink(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && typeof (value as { href?: unknown }).href === "string";
}

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UsageError(`${what}: expected a JSON array`);
  return value;
}

function fromJsonValue(value: unknown, member: MemberMeta, what: string): unknown {
  if (value === null || value === undefined) return undefined;
  // The value itself is not shown: it may be a password.
  const wrong = (expected: string) =>
    new UsageError(`${what}: ${member.name} must be ${expected}, not ${jsonKind(value)}`);
  switch (member.kind) {
    case "struct":
      if (typeof value !== "object" || Array.isArray(value)) throw wrong("an object");
      return fromJson(value as Record<string, unknown>, member.type!, what);
    case "string":
      if (typeof value !== "string") throw wrong("a string");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw wrong("true or false");
      return value;
    case "integer":
      // A string of digits too: -o json writes integers past 2^53 so.
      if (typeof value === "string" && /^-?\d+$/.test(value)) {
        const number = Number(value);
        return Number.isSafeInteger(number) ? number : BigInt(value);
      }
      if (typeof value !== "number" || !Number.isInteger(value)) throw wrong("an integer");
      return value;
    case "decimal":
      if (typeof value !== "number") throw wrong("a number");
      return value;
    case "date":
    case "enum":
      if (typeof value !== "string") throw wrong(member.kind === "date" ? "a date" : "a string");
      return convert(value, member, what);
  }
  return value;
}

/** What kind of JSON value `value` is, for messages: `a string`, `an array`... */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number" && !Number.isInteger(value)) return "a fraction";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/** The value of a parameter from its flag value(s), as parseArgs returned it. */
export function paramValue(param: ParamSpec, raw: unknown, flag: string): unknown {
  if (param.kind === "boolean" && !param.list) return raw;
  const what = `--${flag}`;
  const one = (text: string) =>
    param.kind === "integer" ? parseCount(text, what) : convert(text, param, what);
  return param.list ? (raw as string[]).map(one) : one(raw as string);
}

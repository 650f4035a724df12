/**
 * Rendering typed objects as XML: one element per struct, `id`/`href` as attributes, only
 * the members that are set, lists with a wrapper element, no XML declaration.
 *
 * @module
 */

import { OvirtError } from "../errors.ts";
import {
  BOOLEAN,
  DATE,
  DECIMAL,
  ENUM,
  INTEGER,
  KIND_CODES,
  type MemberInfo,
  MODEL_SCHEMA,
  STRING,
  STRUCT,
  type StructInfo,
} from "./schema.ts";
import type { MemberMeta, ValueKind } from "./metadata.ts";
import { formatDecimal, formatInteger } from "./values.ts";

/**
 * Renders `value` as the document whose root is `tag`: a struct's tag (`"vm"`) for an
 * object, or its list tag (`"vms"`) for an array. Throws an `OvirtError` for an unknown
 * tag or a value that does not fit its member's type.
 */
export function writeXml(tag: string, value: object | object[]): string {
  const root = MODEL_SCHEMA.root(tag);
  if (root === undefined) throw new OvirtError(`Unknown XML document root <${tag}>`);
  const struct = MODEL_SCHEMA.struct(root.type);
  if (root.list) {
    if (!Array.isArray(value)) throw new OvirtError(`<${tag}> needs an array`);
    return writeList(struct.asListItem, tag, value, tag);
  }
  return writeObject(struct, tag, value, tag);
}

/**
 * Renders `value` as struct `type` (a model name such as `"Vm"` or `"Action"`), with the
 * struct's own tag as root: the body of add, update and action requests.
 */
export function writeStruct(type: string, value: object): string {
  const struct = MODEL_SCHEMA.struct(type);
  return writeObject(struct, struct.meta.tag, value, struct.meta.tag);
}

/** The deepest nesting written: what the reader takes by default (an object that holds itself). */
const MAX_DEPTH = 256;

function writeObject(
  struct: StructInfo,
  tag: string,
  value: unknown,
  path: string,
  depth = 1,
): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OvirtError(`${path} needs an object of type ${struct.meta.name}`);
  }
  if (depth > MAX_DEPTH) {
    throw new OvirtError(
      `${path.slice(0, 200)}... is nested deeper than ${MAX_DEPTH} levels: does an object ` +
        "refer back to one that holds it?",
    );
  }
  const object = value as Record<string, unknown>;
  checkMembers(struct, object, path);
  let head = "<" + tag;
  let body = "";
  for (const member of struct.members) {
    const item = object[member.name]; // a class's getters are members too
    if (item === undefined || item === null || isPollution(object, member.name, item)) continue;
    if (member.meta.attribute) {
      head += " " + member.tag + '="' + escapeAttribute(scalarText(member, item, path)) + '"';
    } else if (member.list) {
      if (isUnfollowedLink(item)) continue;
      body += writeList(member, member.tag, item, path + "." + member.name, depth + 1);
    } else if (member.kind === STRUCT) {
      body += writeObject(member.struct, member.tag, item, path + "." + member.name, depth + 1);
    } else {
      body += "<" + member.tag + ">" + escapeText(scalarText(member, item, path)) + "</" +
        member.tag + ">";
    }
  }
  return body === "" ? head + "/>" : head + ">" + body + "</" + tag + ">";
}

/**
 * Whether `value`, read as `object[name]`, is not the object's own but what was set on every
 * object (`Object.prototype.comment = ...`): never a member of the object sent.
 */
function isPollution(object: object, name: string, value: unknown): boolean {
  return !Object.hasOwn(object, name) &&
    (Object.prototype as Record<string, unknown>)[name] === value;
}

/** The names of each struct's members, made when the struct is first written. */
const MEMBER_NAMES = new WeakMap<StructInfo, ReadonlySet<string>>();

/**
 * Refuses a member `object` has that its struct has not (a typo, a snake_case name, a member
 * of another type), rather than leaving it out of the body without a word: the engine would
 * then do something else than asked (start a VM without its cloud-init user).
 */
function checkMembers(struct: StructInfo, object: Record<string, unknown>, path: string): void {
  let names = MEMBER_NAMES.get(struct);
  if (names === undefined) {
    names = new Set(struct.members.map((member) => member.name));
    MEMBER_NAMES.set(struct, names);
  }
  for (const key of Object.keys(object)) {
    if (!names.has(key) && object[key] !== undefined) {
      throw new OvirtError(`${path}.${key} is not a member of ${struct.meta.name}`);
    }
  }
}

/**
 * Whether a list is the empty placeholder the reader makes for a `<link>` (an empty array
 * carrying `href`): it means "not fetched", not "empty", so writing an object read from
 * the server back must not turn it into an empty list that could clear the real one.
 */
function isUnfollowedLink(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0 &&
    typeof (value as { href?: unknown }).href === "string";
}

function writeList(
  member: MemberInfo,
  tag: string,
  value: unknown,
  path: string,
  depth = 1,
): string {
  if (!Array.isArray(value)) throw new OvirtError(`${path} needs an array`);
  if (value.length === 0) return "<" + tag + "/>";
  let body = "";
  if (member.kind === STRUCT) {
    const struct = member.struct;
    for (let i = 0; i < value.length; i++) {
      body += writeObject(struct, struct.meta.tag, value[i], path + "[" + i + "]", depth + 1);
    }
  } else {
    const item = member.meta.item ?? member.tag;
    for (let i = 0; i < value.length; i++) {
      const text = escapeText(scalarText(member, value[i], path, i));
      body += "<" + item + ">" + text + "</" + item + ">";
    }
  }
  return "<" + tag + ">" + body + "</" + tag + ">";
}

/**
 * The text of a primitive or enum value, after checking it fits the member's kind. `path`
 * names the owner, or the list when `index` is given.
 */
function scalarText(member: MemberInfo, value: unknown, path: string, index = -1): string {
  const text = checkedText(member.kind, value, describe(member, path, index));
  if (member.kind === INTEGER) checkRange(member.meta, text, describe(member, path, index));
  if (!text.isWellFormed() || FORBIDDEN_CHARACTERS.test(text)) {
    throw new OvirtError(`${describe(member, path, index)} holds characters XML cannot carry`);
  }
  return text;
}

/**
 * The wire text of a query parameter's value, checked as a body's values are: an `OvirtError`
 * naming the parameter when the value does not fit its kind (a `1` for a boolean would read
 * as `false` on the engine) or its text cannot be sent.
 */
export function queryText(kind: ValueKind, value: unknown, name: string): string {
  const text = checkedText(KIND_CODES[kind], value, `The parameter "${name}"`);
  if (text.isWellFormed()) return text;
  throw new OvirtError(`The parameter "${name}" holds a lone surrogate, which UTF-8 cannot carry`);
}

/** The text of a value of kind `kind` (a `KIND_CODES` number); `where` names it in errors. */
function checkedText(kind: number, value: unknown, where: string): string {
  switch (kind) {
    case BOOLEAN:
      if (typeof value === "boolean") return value ? "true" : "false";
      break;
    case INTEGER:
      if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
        return formatInteger(value);
      }
      break;
    case DECIMAL:
      if (typeof value === "number" && Number.isFinite(value)) return formatDecimal(value);
      break;
    case DATE:
      if (value instanceof Date) {
        const year = value.getUTCFullYear();
        if (year >= 0 && year <= 9999) return value.toISOString();
      }
      break;
    case STRING:
    case ENUM:
      if (typeof value === "string") return value;
  }
  const given = SECRET_HOLDER.test(where) ? `a ${kindOf(value)}` : show(value);
  throw new OvirtError(`${where} needs ${KIND_NAMES[kind]}, got ${given}`);
}

/** The range of values an integer member of the engine's schema takes, and its kind's name. */
export interface IntegerRange {
  /** The least value taken. */
  readonly min: bigint;
  /** The greatest value taken. */
  readonly max: bigint;
  /** `integer` (`xs:int`), `long` (`xs:long`) or `unsigned integer` (`xs:unsignedInt`). */
  readonly name: "integer" | "long" | "unsigned integer";
}

const INT: IntegerRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n, name: "integer" };
const LONG: IntegerRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n, name: "long" };
/**
 * `xs:unsignedInt`: the engine's parser refuses above 2^32-1 and whatever is negative as a
 * 32-bit value, so 2^31 and above too.
 */
const UNSIGNED: IntegerRange = { min: 0n, max: 2n ** 31n - 1n, name: "unsigned integer" };

/** The range of each integer type of the engine's schema, by `MemberMeta.range`. */
const RANGES = { long: LONG, unsignedInt: UNSIGNED };

/** The range of the integer member `member` (one of the model's member descriptions). */
export function integerRange(member: MemberMeta): IntegerRange {
  return member.range === undefined ? INT : RANGES[member.range];
}

/**
 * Refuses integer text `text` outside the range of `member`: the engine would refuse it, or
 * below the range keep another value (it wraps what is below -2^31 of an `xs:int`).
 */
function checkRange(member: MemberMeta, text: string, where: string): void {
  const range = integerRange(member);
  const value = BigInt(text);
  if (value >= range.min && value <= range.max) return;
  const given = SECRET_HOLDER.test(where) ? "a value" : text;
  throw new OvirtError(
    `${where} needs an integer from ${range.min} to ${range.max} (the engine's ${range.name}), ` +
      `got ${given}`,
  );
}

/** Members whose values are credentials: a refusal names what was given, never the value. */
const SECRET_HOLDER = /pass|secret|token|key|ticket/i;

const KIND_NAMES = [
  "a string",
  "a boolean",
  "an integer",
  "a finite number",
  "a valid Date (years 0-9999)",
  "a string",
];

// deno-lint-ignore no-control-regex -- these are exactly the characters XML 1.0 forbids
const FORBIDDEN_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

function describe(member: MemberInfo, path: string, index: number): string {
  return index >= 0 ? `${path}[${index}]` : `${path}.${member.name}`;
}

function kindOf(value: unknown): string {
  return value instanceof Date ? "Date" : Array.isArray(value) ? "array" : typeof value;
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (value instanceof Date) {
    return isNaN(value.getTime()) ? "an invalid Date" : value.toISOString();
  }
  return typeof value === "object"
    ? (Array.isArray(value) ? "an array" : "an object")
    : String(value);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ESCAPES[c]);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]);
}

/**
 * Lookup structures over the generated per-type tables, built lazily once per struct:
 * every member including inherited ones, by element tag, by attribute name and by link rel,
 * and the struct's generated object builder.
 *
 * @module
 */

import { OvirtError } from "../errors.ts";
import { nameHash } from "./shared_caches.ts";
import type { MemberMeta, RootMeta, StructBuilder, StructMeta, ValueKind } from "./metadata.ts";

/** Numeric value kind of a string member. */
export const STRING = 0;
/** Numeric value kind of a boolean member. */
export const BOOLEAN = 1;
/** Numeric value kind of an integer member. */
export const INTEGER = 2;
/** Numeric value kind of a decimal member. */
export const DECIMAL = 3;
/** Numeric value kind of a date member. */
export const DATE = 4;
/** Numeric value kind of an enum member. */
export const ENUM = 5;
/** Numeric value kind of a struct member. */
export const STRUCT = 6;

const UTF8 = new TextEncoder();

/** The number of each value kind, as `MemberInfo.kind` holds it. */
export const KIND_CODES: Record<ValueKind, number> = {
  string: STRING,
  boolean: BOOLEAN,
  integer: INTEGER,
  decimal: DECIMAL,
  date: DATE,
  enum: ENUM,
  struct: STRUCT,
};

/** A list value, with the `href` of a list link where the server sent one. */
export type LinkedList = unknown[] & { href?: string };

/**
 * The list of list `member` in `slots`, made empty and stored there the first time (by
 * `new Array(0)`: V8 adds a named property, a link's `href`, to an array made this way
 * about ten times faster than to an array literal).
 */
export function listIn(slots: unknown[], member: MemberInfo): LinkedList {
  const existing = slots[member.index];
  return Array.isArray(existing) ? existing : (slots[member.index] = new Array(0));
}

/**
 * What a `<link rel href>` child of a struct means, for every reading path: the list member
 * whose link `rel` it names can be fetched at `href` (its list, empty unless items came too,
 * carries the `href`).
 */
export function linkList(slots: unknown[], member: MemberInfo, href: string): void {
  listIn(slots, member).href = href;
}

/** One member with its kind as a number and its struct type resolved on first use. */
export class MemberInfo {
  /** The generated description. */
  readonly meta: MemberMeta;
  /** TypeScript property name. */
  readonly name: string;
  /** Element (or attribute) name. */
  readonly tag: string;
  /** One of {@link STRING} ... {@link STRUCT}. */
  readonly kind: number;
  /** Whether the member is a list. */
  readonly list: boolean;
  /** Position in the owning struct's {@link StructInfo.members}: its slot while reading. */
  readonly index: number;
  /** For list links: `/` and the `rel`, which joined to the owner's `href` make the link's. */
  readonly linkSuffix: string;
  readonly #schema: XmlSchema;
  #struct: StructInfo | undefined = undefined;

  /** Wraps `meta`, resolving struct types through `schema`. */
  constructor(meta: MemberMeta, schema: XmlSchema, index = -1) {
    this.meta = meta;
    this.index = index;
    this.name = meta.name;
    this.tag = meta.tag;
    this.kind = KIND_CODES[meta.kind];
    this.list = meta.list === true;
    this.linkSuffix = "/" + (meta.rel ?? "");
    this.#schema = schema;
  }

  /** The struct of a struct-kind member (of each item, for a list). */
  get struct(): StructInfo {
    return this.#struct ??= this.#schema.struct(this.meta.type!);
  }
}

/** One struct with all its members (own and inherited) and lookup maps over them. */
export class StructInfo {
  /** The generated description. */
  readonly meta: StructMeta;
  /** Every member, base struct's first. */
  readonly members: readonly MemberInfo[];
  /** Element members by tag. */
  readonly byTag: ReadonlyMap<string, MemberInfo>;
  /** Attribute members (`id`, `href`) by attribute name. */
  readonly byAttribute: ReadonlyMap<string, MemberInfo>;
  /** List link members by the `rel` of their `<link>`. */
  readonly byRel: ReadonlyMap<string, MemberInfo>;
  /** A list member whose items are this struct, to read list documents with. */
  readonly asListItem: MemberInfo;
  /**
   * The slots of `href` and `id` when they are the struct's only attribute members, `href`
   * first: a self-closing element of the struct (a reference) then holds just those two and
   * can be built by {@link buildReference}.
   */
  readonly referenceSlots: readonly [number, number] | undefined;
  /** Builds an object from member values, one slot per member of {@link members}. */
  readonly build: StructBuilder;
  /**
   * The element members by the hash of their tag's bytes (`nameHash`), open addressing:
   * each entry is 1 + a member's index (0 ends a probe), where its tag's bytes start in
   * {@link StructInfo.#tagBytes} and their length. The bytes beside the entries spare the
   * lookup a chain of dependent loads (member, its tag's array, that array's bytes).
   */
  readonly #tagTable: Int32Array;
  /** The bytes of every element member's tag, one after another. */
  readonly #tagBytes: Uint8Array;

  /** Resolves `meta` and its ancestors through `schema`. */
  constructor(meta: StructMeta, schema: XmlSchema) {
    this.meta = meta;
    const members: MemberInfo[] = [];
    const byTag = new Map<string, MemberInfo>();
    const byAttribute = new Map<string, MemberInfo>();
    const byRel = new Map<string, MemberInfo>();
    for (const level of lineage(meta, schema)) {
      for (const memberMeta of level.members) {
        const member = new MemberInfo(memberMeta, schema, members.length);
        members.push(member);
        if (memberMeta.attribute) byAttribute.set(member.tag, member);
        else byTag.set(member.tag, member);
        if (memberMeta.rel !== undefined && member.list) byRel.set(memberMeta.rel, member);
      }
    }
    this.members = members;
    this.build = schema.builder(meta.name);
    [this.#tagTable, this.#tagBytes] = tagTable(members);
    this.byTag = byTag;
    this.byAttribute = byAttribute;
    this.byRel = byRel;
    const hrefIndex = byAttribute.get("href")?.index ?? -1,
      idIndex = byAttribute.get("id")?.index ?? -1;
    this.referenceSlots = byAttribute.size === 2 && 0 <= hrefIndex && hrefIndex < idIndex
      ? [hrefIndex, idIndex]
      : undefined;
    this.asListItem = new MemberInfo(
      { name: meta.name, tag: meta.listTag, kind: "struct", type: meta.name, list: true },
      schema,
    );
  }

  /** The element member whose tag is spelled by `buf[start, end)`, if any. */
  memberAt(buf: Uint8Array, start: number, end: number): MemberInfo | undefined {
    const table = this.#tagTable, bytes = this.#tagBytes, length = end - start;
    const mask = (table.length >> 2) - 1;
    for (let slot = tagSlot(nameHash(buf, start, end), mask);; slot = (slot + 1) & mask) {
      const at = slot << 2, entry = table[at];
      if (entry === 0) return undefined;
      if (table[at + 2] !== length) continue;
      const from = table[at + 1];
      let k = 0;
      while (k < length && bytes[from + k] === buf[start + k]) k++;
      if (k === length) return this.members[entry - 1];
    }
  }
}

/** The slot a name hash starts its probe at. */
function tagSlot(hash: number, mask: number): number {
  return (Math.imul(hash, 0x9e3779b1) >>> 16) & mask;
}

/** The table of {@link StructInfo.memberAt} (at most half full) and its tags' bytes. */
function tagTable(members: readonly MemberInfo[]): [Int32Array, Uint8Array] {
  let size = 8;
  while (size < members.length * 2) size *= 2;
  const table = new Int32Array(4 * size), mask = size - 1;
  const tags = members.filter((member) => !member.meta.attribute);
  const encoded = tags.map((member) => UTF8.encode(member.tag));
  const bytes = new Uint8Array(encoded.reduce((sum, tag) => sum + tag.length, 0));
  let used = 0;
  for (const [n, member] of tags.entries()) {
    const tag = encoded[n];
    let slot = tagSlot(nameHash(tag, 0, tag.length), mask);
    while (table[slot << 2] !== 0) slot = (slot + 1) & mask;
    table.set([member.index + 1, used, tag.length], slot << 2);
    bytes.set(tag, used);
    used += tag.length;
  }
  return [table, bytes];
}

function lineage(meta: StructMeta, schema: XmlSchema): StructMeta[] {
  const levels: StructMeta[] = [];
  for (let level: StructMeta | undefined = meta; level !== undefined;) {
    levels.unshift(level);
    level = level.base === undefined ? undefined : schema.structMeta(level.base);
  }
  return levels;
}

/**
 * The generated tables with lazily built per-struct lookup structures. The runtime imports
 * nothing generated: the generated `types/register.ts` hands its tables to
 * {@link MODEL_SCHEMA} with {@link XmlSchema.register}.
 */
export class XmlSchema {
  #structs: Readonly<Record<string, StructMeta>> = {};
  #roots: Readonly<Record<string, RootMeta>> = {};
  #builders: Readonly<Record<string, StructBuilder>> = {};
  #registered = false;
  readonly #infos = new Map<string, StructInfo>();

  /** Takes the generated tables; a schema takes them once (again: the same tables only). */
  register(
    structs: Readonly<Record<string, StructMeta>>,
    roots: Readonly<Record<string, RootMeta>>,
    builders: Readonly<Record<string, StructBuilder>>,
  ): void {
    if (this.#registered) {
      if (structs === this.#structs && roots === this.#roots && builders === this.#builders) return;
      throw new OvirtError("The XML schema already holds another model's tables");
    }
    this.#structs = structs;
    this.#roots = roots;
    this.#builders = builders;
    this.#registered = true;
  }

  #checkRegistered(): void {
    if (!this.#registered) {
      throw new OvirtError(
        "No model is registered with the XML reader: import the SDK's mod.ts (or types/register.ts)",
      );
    }
  }

  /** The generated builder of struct `name`; throws for an unknown name. */
  builder(name: string): StructBuilder {
    this.#checkRegistered();
    const builder = Object.hasOwn(this.#builders, name) ? this.#builders[name] : undefined;
    if (builder === undefined) throw new OvirtError(`No object builder for struct ${name}`);
    return builder;
  }

  /** The generated description of struct `name`; throws for an unknown name. */
  structMeta(name: string): StructMeta {
    this.#checkRegistered();
    const meta = Object.hasOwn(this.#structs, name) ? this.#structs[name] : undefined;
    if (meta === undefined) throw new OvirtError(`Unknown struct type ${name}`);
    return meta;
  }

  /** The resolved struct `name`; throws for an unknown name. */
  struct(name: string): StructInfo {
    let info = this.#infos.get(name);
    if (info === undefined) {
      info = new StructInfo(this.structMeta(name), this);
      this.#infos.set(name, info);
    }
    return info;
  }

  /** What document root `tag` stands for, if anything. */
  root(tag: string): RootMeta | undefined {
    this.#checkRegistered();
    return Object.hasOwn(this.#roots, tag) ? this.#roots[tag] : undefined;
  }
}

/** The schema of the model this SDK was generated from, once `types/register.ts` ran. */
export const MODEL_SCHEMA: XmlSchema = new XmlSchema();

/**
 * Builds a reference (an object with only `href` and `id`, each when defined, in that
 * order): the same object as a struct's builder makes from slots holding just those two,
 * without visiting every other slot.
 */
export function buildReference(href: unknown, id: unknown): object {
  if (href === undefined) return id === undefined ? {} : { id };
  return id === undefined ? { href } : { href, id };
}

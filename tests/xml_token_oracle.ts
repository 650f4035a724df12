/**
 * The oracle of the XML reader tests: a reader that builds typed objects from tokens alone,
 * one token at a time, as simple as it can be and apart from the SDK's reader (the element
 * reader), whose objects and errors the differential tests compare with its own.
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import {
  linkList,
  listIn,
  type MemberInfo,
  STRING,
  STRUCT,
  type StructInfo,
  type XmlSchema,
} from "../transport/xml/schema.ts";
import {
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  type XmlLimits,
  XmlTokenizer,
} from "../transport/xml/tokenizer.ts";
import { MODEL_SCHEMA } from "../transport/xml/schema.ts";
import { INVALID_VALUE, valueFromText } from "../transport/xml/leaf_value.ts";
import type { XmlDocument } from "../transport/xml/element_reader.ts";

const READ_NEED_DATA = 0;
const READ_DONE = 2;
const STRUCT_FRAME = 0;
const LIST_FRAME = 1;
const VALUE_NAMES = ["a string", "a boolean", "an integer", "a decimal", "a date", "an enum"];
/**
 * Reads tokens and builds typed objects. Every open struct or list element is a frame on a
 * stack of parallel arrays; primitive elements are read as a "leaf"; unknown elements and
 * `<actions>` are skipped by counting depth; `<link rel href>` children fill list links.
 * A struct's member values are collected in a slot array (one slot per member, reused for
 * every struct at the same depth) and its object is built at its end tag by the generated
 * builder, so that objects of one type share their shape.
 */
class TokenReader {
  readonly #tokens: XmlTokenizer;
  readonly #schema: XmlSchema;

  #depth = 0;
  readonly #frameKinds: number[] = [];
  /** The slots of a struct frame, the items of a list frame. */
  readonly #frameValues: unknown[][] = [];
  readonly #frameStructs: (StructInfo | undefined)[] = [];
  /** The member a struct frame is stored in (`undefined` for list items), a list frame's. */
  readonly #frameMembers: (MemberInfo | undefined)[] = [];
  readonly #slotArrays: unknown[][] = [];
  #skipping = 0;
  #leaf: MemberInfo | undefined = undefined;
  #leafText: string | undefined = undefined;
  #leafOffset = 0;

  #root = "";
  #value: unknown = undefined;

  /** Reads the document `tokens` delivers. */
  constructor(tokens: XmlTokenizer, schema: XmlSchema) {
    this.#tokens = tokens;
    this.#schema = schema;
  }

  /** Consumes tokens until input runs out, an item is complete (streaming) or the end. */
  run(): typeof READ_NEED_DATA | typeof READ_DONE {
    const tokens = this.#tokens;
    for (;;) {
      const token = tokens.next();
      if (token === START_TAG) {
        if (this.#skipping > 0 || this.#leaf !== undefined) {
          this.#skipping++;
        } else {
          this.#start(tokens.name);
        }
      } else if (token === END_TAG) {
        if (this.#skipping > 0) {
          --this.#skipping;
        } else {
          this.#end();
        }
      } else if (token === TEXT) {
        if (this.#leaf !== undefined && this.#skipping === 0) this.#text();
      } else if (token === NEED_DATA) {
        return READ_NEED_DATA;
      } else {
        return READ_DONE;
      }
    }
  }

  /** The finished document; valid once {@link DocumentReader.run} returned {@link READ_DONE}. */
  document(): XmlDocument {
    return { root: this.#root, value: this.#value };
  }

  #start(name: string): void {
    const top = this.#depth - 1;
    if (top < 0) return this.#startRoot(name);
    if (this.#frameKinds[top] === LIST_FRAME) {
      const items = this.#frameMembers[top]!;
      if (items.kind === STRUCT) this.#pushStruct(items.struct, undefined);
      else this.#startLeaf(items);
      return;
    }
    const member = this.#frameStructs[top]!.byTag.get(name);
    if (member === undefined) {
      if (name === "link") this.#link(top);
      this.#skipping = 1;
      return;
    }
    if (member.list) {
      this.#pushList(listIn(this.#frameValues[top], member), member);
    } else if (member.kind === STRUCT) {
      this.#pushStruct(member.struct, member);
    } else {
      this.#startLeaf(member);
    }
  }

  #startRoot(name: string): void {
    const root = this.#schema.root(name);
    if (root === undefined) {
      throw new OvirtError(`Unknown XML document root <${name}> at ${this.#tokens.location()}`);
    }
    this.#root = name;
    const struct = this.#schema.struct(root.type);
    if (root.list) this.#pushList([], struct.asListItem);
    else this.#pushStruct(struct, undefined);
  }

  /** Opens a struct element (`member` is `undefined` for a list item or the root). */
  #pushStruct(struct: StructInfo, member: MemberInfo | undefined): void {
    const depth = this.#depth;
    const size = struct.members.length;
    let slots = this.#slotArrays[depth];
    if (slots === undefined || slots.length < size) {
      slots = this.#slotArrays[depth] = new Array(Math.max(size, 16)).fill(undefined);
    }
    const tokens = this.#tokens;
    for (let i = 0, count = tokens.attributeCount; i < count; i++) {
      const attribute = struct.byAttribute.get(tokens.attributeName(i));
      if (attribute === undefined) continue;
      const value = this.#convert(attribute, tokens.attributeValue(i), tokens.tokenOffset);
      if (value !== undefined) slots[attribute.index] = value;
    }
    this.#push(STRUCT_FRAME, slots, struct, member);
  }

  #pushList(items: unknown[], member: MemberInfo): void {
    this.#push(LIST_FRAME, items, undefined, member);
  }

  #push(
    kind: number,
    value: unknown[],
    struct: StructInfo | undefined,
    member: MemberInfo | undefined,
  ): void {
    const depth = this.#depth++;
    this.#frameKinds[depth] = kind;
    this.#frameValues[depth] = value;
    this.#frameStructs[depth] = struct;
    this.#frameMembers[depth] = member;
  }

  /** A `<link rel href>` child: fills the list link member whose rel matches. */
  #link(top: number): void {
    const tokens = this.#tokens;
    let rel = -1;
    let href = -1;
    for (let i = 0, count = tokens.attributeCount; i < count; i++) {
      const attribute = tokens.attributeName(i);
      if (attribute === "rel") rel = i;
      else if (attribute === "href") href = i;
    }
    if (rel < 0 || href < 0) return;
    const member = this.#frameStructs[top]!.byRel.get(tokens.attributeValue(rel));
    if (member !== undefined) linkList(this.#frameValues[top], member, tokens.attributeValue(href));
  }

  #startLeaf(member: MemberInfo): void {
    this.#leaf = member;
    this.#leafText = undefined;
  }

  /** Stores a leaf value into the current frame: a list item or a struct member's slot. */
  #store(member: MemberInfo, value: unknown): void {
    if (value === undefined) return;
    const top = this.#depth - 1;
    if (this.#frameKinds[top] === LIST_FRAME) this.#frameValues[top].push(value);
    else this.#frameValues[top][member.index] = value;
  }

  #text(): void {
    const tokens = this.#tokens;
    const piece = tokens.text();
    if (this.#leafText === undefined) {
      this.#leafText = piece;
      this.#leafOffset = tokens.tokenOffset;
    } else {
      this.#leafText += piece;
    }
  }

  /** Closes the current element. */
  #end(): void {
    const top = this.#depth - 1;
    const leaf = this.#leaf;
    if (leaf !== undefined) {
      this.#leaf = undefined;
      const text = this.#leafText;
      this.#store(
        leaf,
        text === undefined
          ? (leaf.kind === STRING ? "" : undefined)
          : this.#convert(leaf, text, this.#leafOffset),
      );
      return;
    }
    this.#depth = top;
    let value: unknown = this.#frameValues[top];
    if (this.#frameKinds[top] === STRUCT_FRAME) {
      const struct = this.#frameStructs[top]!;
      const slots = value as unknown[];
      value = new struct.build(slots);
      for (let i = 0, size = struct.members.length; i < size; i++) slots[i] = undefined;
      if (top > 0 && this.#frameKinds[top - 1] === STRUCT_FRAME) {
        this.#frameValues[top - 1][this.#frameMembers[top]!.index] = value;
        return;
      }
    }
    if (top === 0) {
      this.#value = value;
    } else if (
      this.#frameKinds[top - 1] === LIST_FRAME && this.#frameKinds[top] === STRUCT_FRAME
    ) {
      this.#frameValues[top - 1].push(value);
    }
  }

  /** The JavaScript value of `text` for `member`; `undefined` for an empty non-string. */
  #convert(member: MemberInfo, text: string, offset: number): unknown {
    const value = valueFromText(member.kind, text);
    if (value !== INVALID_VALUE) return value;
    throw new OvirtError(
      `Invalid XML value at ${this.#tokens.location(offset)}: <${member.tag}> expects ${
        VALUE_NAMES[member.kind]
      }, got ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + "..." : text)}`,
    );
  }
}

/**
 * The oracle's reading of `chunks` (pushed one at a time) under `limits`: the document, or
 * the error's message.
 */
export function readByTokens(
  chunks: readonly Uint8Array[],
  limits?: XmlLimits,
): { document: XmlDocument } | { error: string } {
  const tokens = new XmlTokenizer(limits);
  const reader = new TokenReader(tokens, MODEL_SCHEMA);
  let next = 0;
  try {
    while (reader.run() !== READ_DONE) {
      if (next < chunks.length) tokens.push(chunks[next++]);
      else tokens.end();
    }
    return { document: reader.document() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

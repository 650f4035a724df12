/**
 * Turns the tokens of one document into typed plain objects, guided by the schema: the
 * state machine behind `readXml`, `readXmlStream` and `streamList`.
 *
 * @module
 */

import { OvirtError } from "../errors.ts";
import {
  BOOLEAN,
  ENUM,
  linkList,
  listIn,
  type MemberInfo,
  STRING,
  STRUCT,
  type StructInfo,
  type XmlSchema,
} from "./schema.ts";
import {
  DEFAULT_MAX_TOKEN_BYTES,
  END_TAG,
  NEED_DATA,
  START_TAG,
  TEXT,
  type XmlLimits,
  type XmlTokenizer,
} from "./tokenizer.ts";
import { INVALID_VALUE, valueFromPlainBytes, valueFromText } from "./leaf_value.ts";
import { ELEMENT_NEEDS_INPUT, ElementReader, type XmlDocument } from "./element_reader.ts";

export type { XmlDocument } from "./element_reader.ts";

/** {@link DocumentReader.run} result: the tokenizer needs more input. */
export const READ_NEED_DATA = 0;
/** {@link DocumentReader.run} result: an item of the list document is complete (streaming). */
export const READ_ITEM = 1;
/** {@link DocumentReader.run} result: the document is complete. */
export const READ_DONE = 2;

/** How a {@link DocumentReader} reads. */
export interface DocumentReaderOptions {
  /**
   * The document must be a list, and {@link DocumentReader.run} stops at each complete
   * item instead of collecting it. Default false.
   */
  streamItems?: boolean;
  /** The limits the tokenizer was made with, which the element reader keeps too. */
  limits?: XmlLimits;
  /**
   * Read list items whose bytes are all buffered with the element reader, without tokens
   * (see `ElementReader`). Default true; false reads everything token by token.
   */
  wholeItems?: boolean;
}

const STRUCT_FRAME = 0;
const LIST_FRAME = 1;
const VALUE_NAMES = ["a string", "a boolean", "an integer", "a decimal", "a date", "an enum"];
// What #wholeItem did.
const WHOLE_READ = 0; // read an item, which went into its list
const WHOLE_STREAMED = 1; // read an item to hand out (streaming)
const WHOLE_WAITING = 2; // needs more input first
const WHOLE_DECLINED = 3; // left the item to the tokens

/**
 * Reads tokens and builds typed objects. Every open struct or list element is a frame on a
 * stack of parallel arrays; primitive elements are read as a "leaf"; unknown elements and
 * `<actions>` are skipped by counting depth; `<link rel href>` children fill list links.
 * A struct's member values are collected in a slot array (one slot per member, reused for
 * every struct at the same depth) and its object is built at its end tag by the generated
 * builder, so that objects of one type share their shape.
 */
export class DocumentReader {
  readonly #tokens: XmlTokenizer;
  readonly #schema: XmlSchema;
  readonly #streamItems: boolean;

  #depth = 0;
  readonly #frameKinds: number[] = [];
  /** The slots of a struct frame, the items of a list frame. */
  readonly #frameValues: unknown[][] = [];
  readonly #frameStructs: (StructInfo | undefined)[] = [];
  /** The member a struct frame is stored in (`undefined` for list items), a list frame's. */
  readonly #frameMembers: (MemberInfo | undefined)[] = [];
  readonly #slotArrays: unknown[][] = [];
  /** Reads list items whole, without tokens, once buffered (see `ElementReader`). */
  readonly #whole: ElementReader;
  readonly #wholeItems: boolean;
  readonly #maxItemWait: number;
  #wholeItemCount = 0;
  /** Whether the next list item may be read by #whole. */
  #wholeNext = false;
  /** How many bytes of the next item must be buffered before #whole tries (again). */
  #wholeWait = 0;
  /** The length in bytes of the last item #whole read (with the white space before it). */
  #lastItemLength = 0;
  #skipping = 0;
  #leaf: MemberInfo | undefined = undefined;
  #leafText: string | undefined = undefined;
  #leafOffset = 0;

  #root = "";
  #value: unknown = undefined;
  #item: object | undefined = undefined;

  /** Reads the document `tokens` delivers (see {@link DocumentReaderOptions}). */
  constructor(tokens: XmlTokenizer, schema: XmlSchema, options: DocumentReaderOptions = {}) {
    this.#tokens = tokens;
    this.#schema = schema;
    this.#streamItems = options.streamItems === true;
    this.#wholeItems = options.wholeItems !== false;
    this.#whole = new ElementReader(schema, options.limits);
    this.#maxItemWait = options.limits?.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  }

  /** How many list items were read whole by the element reader (the rest by tokens). */
  get wholeItemCount(): number {
    return this.#wholeItemCount;
  }

  /** Consumes tokens until input runs out, an item is complete (streaming) or the end. */
  run(): typeof READ_NEED_DATA | typeof READ_ITEM | typeof READ_DONE {
    const tokens = this.#tokens;
    for (;;) {
      if (this.#wholeNext) {
        const outcome = this.#wholeItem();
        if (outcome === WHOLE_READ) continue;
        if (outcome === WHOLE_STREAMED) return READ_ITEM;
        if (outcome === WHOLE_WAITING) return READ_NEED_DATA;
      }
      const token = tokens.next();
      if (token === START_TAG) {
        if (this.#skipping > 0 || this.#leaf !== undefined) {
          this.#skipping++;
        } else {
          this.#start(tokens.name);
        }
      } else if (token === END_TAG) {
        if (this.#skipping > 0) {
          if (--this.#skipping === 0) this.#expectNext();
        } else if (this.#end()) {
          return READ_ITEM;
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

  /** The item that made {@link DocumentReader.run} return {@link READ_ITEM}. */
  takeItem(): object {
    const item = this.#item!;
    this.#item = undefined;
    return item;
  }

  /** After an element: the next item of a list of structs may be read whole. */
  #expectNext(): void {
    const top = this.#depth - 1;
    if (top < 0 || this.#frameKinds[top] !== LIST_FRAME) return;
    this.#wholeNext = this.#wholeItems && this.#frameMembers[top]!.kind === STRUCT;
    this.#wholeWait = 0;
  }

  /**
   * Offers the next item of the current list (whose items are structs) to the element
   * reader, which reads it straight from the buffered input when it is all there. An item
   * not all buffered yet is tried again once twice as much of it is (so that a long item is
   * not read over and over), up to the token size limit; an item the element reader gives
   * up is left to the tokens. Unless items are handed out one by one, an item is
   * not tried before as many bytes as the previous one had are buffered: most attempts
   * before that would read part of it in vain.
   */
  #wholeItem(): number {
    const tokens = this.#tokens;
    const start = tokens.handOverPoint;
    const buffered = tokens.inputEnd - start;
    if (start < 0 || buffered > this.#maxItemWait) {
      this.#wholeNext = false;
      return WHOLE_DECLINED;
    }
    if (!tokens.ended) {
      if (buffered < this.#wholeWait) return WHOLE_WAITING;
      // Probably not all there yet; only worth the wait when the whole document is awaited.
      if (!this.#streamItems && buffered < this.#lastItemLength) return WHOLE_WAITING;
    }
    const top = this.#depth - 1;
    const end = this.#whole.readItem(
      tokens.input,
      start,
      tokens.inputEnd,
      tokens.ended,
      this.#frameMembers[top]!,
      tokens.openElements,
    );
    if (end === ELEMENT_NEEDS_INPUT) {
      this.#wholeWait = buffered * 2;
      return WHOLE_WAITING;
    }
    if (end < 0) {
      this.#wholeNext = false;
      return WHOLE_DECLINED;
    }
    tokens.skipTo(end, this.#whole.lineFeeds, this.#whole.lastLineFeed);
    this.#lastItemLength = end - start;
    this.#wholeItemCount++;
    const item = this.#whole.item as object;
    this.#whole.item = undefined;
    this.#expectNext();
    if (this.#streamItems && top === 0) {
      this.#item = item;
      return WHOLE_STREAMED;
    }
    this.#frameValues[top].push(item);
    return WHOLE_READ;
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
      else if (!this.#tokens.selfClosing && this.#tokens.skipElement()) return;
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
    if (this.#streamItems && !root.list) {
      throw new OvirtError(`Expected a list document, got <${name}>`);
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
    this.#expectNext();
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
    if (this.#tokens.readPlainContent()) {
      this.#store(member, this.#plainValue(member));
      this.#expectNext();
    } else {
      this.#leaf = member;
      this.#leafText = undefined;
    }
  }

  /**
   * The value of a leaf whose whole content is plain text: integers, booleans and dates in
   * their usual form straight from the bytes, anything else from the decoded text.
   */
  #plainValue(member: MemberInfo): unknown {
    const tokens = this.#tokens;
    const value = valueFromPlainBytes(
      member.kind,
      tokens.textBuffer,
      tokens.textStart,
      tokens.textEnd,
    );
    if (value !== undefined) return value;
    return this.#convert(member, this.#textOf(member.kind), tokens.tokenOffset);
  }

  /** The current text token, from the cache for kinds whose values repeat. */
  #textOf(kind: number): string {
    return kind === ENUM || kind === BOOLEAN ? this.#tokens.internedText() : this.#tokens.text();
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
    const piece = this.#textOf(this.#leaf!.kind);
    if (this.#leafText === undefined) {
      this.#leafText = piece;
      this.#leafOffset = tokens.tokenOffset;
    } else {
      this.#leafText += piece;
    }
  }

  /** Closes the current element; returns whether it completed a streamed item. */
  #end(): boolean {
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
      this.#expectNext();
      return false;
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
        this.#expectNext();
        return false;
      }
    }
    if (top === 0) {
      this.#value = value;
      return false;
    }
    if (this.#frameKinds[top - 1] === LIST_FRAME && this.#frameKinds[top] === STRUCT_FRAME) {
      if (this.#streamItems && top === 1) {
        this.#item = value as object;
        this.#expectNext();
        return true;
      }
      this.#frameValues[top - 1].push(value);
    }
    this.#expectNext();
    return false;
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

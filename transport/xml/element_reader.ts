/**
 * The one object builder of the XML readers: turns a whole document held in one buffer
 * (`readXml`), or one item of a list document being streamed, straight into typed objects,
 * by recursive descent over the bytes guided by the schema, with no tokens in between. What
 * a tag means is looked up in its parent's table by the tag's bytes
 * (`StructInfo.memberAt`), wherever it comes, so member order, indentation, attribute order
 * and quotes, `<x/>` or `<x></x>`, CDATA, comments, processing instructions, references and
 * text beside elements cost the same as the engine's usual spelling: nothing is guessed.
 *
 * It checks well-formedness as it reads. On malformed input or a limit passed it gives up
 * without a word, and the tokenizer reads the same bytes to say where and what is wrong
 * (`readXml`, `DocumentReader`); a value of the wrong kind it reports itself, as a
 * {@link ReadFault} at its byte offset. It gives up nothing the tokenizer accepts: the
 * differential tests hold it to an oracle that builds objects from tokens.
 *
 * @module
 */

import {
  AMP,
  BANG,
  CR,
  DASH,
  DQUOTE,
  EQUALS,
  GT,
  LF,
  LT,
  QUESTION,
  RBRACKET,
  SEMICOLON,
  SLASH,
  SQUOTE,
  TAB,
} from "./ascii.ts";
import { OvirtError } from "../errors.ts";
import {
  CHAR_CLASS,
  decodeEscaped,
  decodeUtf8,
  isBlank,
  type Latin1View,
  latin1View,
  MAX_REFERENCE_LENGTH,
  NAME_CHAR,
  NAME_START,
  referencedCodePoint,
  sameAcross,
  SHORT_TEXT_LIMIT,
  shortAsciiText,
  SPACE,
  TEXT_SPECIAL,
  VALUE_SPECIAL,
} from "./decode.ts";
import { INVALID_VALUE, valueFromPlainBytes, valueFromText } from "./leaf_value.ts";
import {
  BOOLEAN,
  buildReference,
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
  MAX_INTERNED_REFERENCE,
  MAX_INTERNED_VALUE,
  NAME_CACHE,
  nameHash,
  REFERENCE_CACHE,
  VALUE_CACHE,
} from "./shared_caches.ts";
import { locationIn, maxDepthOf, maxTokenBytesOf, type XmlLimits } from "./tokenizer.ts";

/** The attributes a start tag has room for at first; a tag with more makes room. */
const ATTRIBUTE_ROOM = 8;
/**
 * Up to this many attributes, a repeated name is looked for by comparing bytes; beyond, in a
 * set of the names (a hostile tag may hold hundreds of thousands).
 */
const ATTRIBUTES_COMPARED = 16;
// Flags of a text or value; 0: plain ASCII, its bytes are its characters.
const ESCAPED = 1; // holds references or CR
const NON_ASCII = 2; // holds bytes of non-ASCII characters
const CDATA_OPEN = [LT, BANG, 0x5b, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5b]; // <![CDATA[

/** Thrown inside the reader on malformed input or a limit passed; never escapes it. */
const GIVE_UP = new Error("left to the tokenizer to describe");
/** What {@link ElementReader.#usualReference} returns for a usual start tag with content. */
const CONTENT_FOLLOWS = {};
/** What {@link ElementReader.#cdataValue} returns for content that is not one CDATA section. */
const NOT_ALONE = {};
/** Thrown inside the reader when the input ends before the element does; never escapes it. */
const OUT_OF_INPUT = new Error("input ends too early");

/** A parsed document: its root tag and its value (an array for a list document). */
export interface XmlDocument {
  /** Tag of the root element, e.g. `vm` or `vms`. */
  root: string;
  /** The typed value: an object, or an array of objects for a list document. */
  value: unknown;
}

/**
 * A fault of well-formed input found while reading (a value of the wrong kind, text that
 * is not UTF-8) at a byte offset of the buffer read; its reader names the line and column.
 */
export class ReadFault {
  /** The fault at `offset`, described by `describe` given "line L, column C". */
  constructor(readonly offset: number, readonly describe: (location: string) => string) {}
}

/**
 * `error`, or when it is a {@link ReadFault} the `OvirtError` it describes, located by
 * `locate` ("line L, column C" of a byte offset of the buffer read).
 */
export function located(error: unknown, locate: (offset: number) => string): unknown {
  return error instanceof ReadFault ? new OvirtError(error.describe(locate(error.offset))) : error;
}

/**
 * The error for well-formed input at `where` that the element reader gave up nevertheless:
 * a fault of this reader, which the differential and fuzz tests look for.
 */
export function unreadable(where: string): OvirtError {
  return new OvirtError(`XML ${where} is well-formed but this reader cannot read it`);
}

/**
 * {@link ElementReader.readItem} result: the next item is not one (the list's end tag), or
 * the input is malformed or passes a limit (the tokenizer then says how).
 */
export const ELEMENT_GAVE_UP = -1;
/** {@link ElementReader.readItem} result: the item is not all buffered yet. */
export const ELEMENT_NEEDS_INPUT = -2;

/**
 * Reads the whole document `buf` into typed objects; `undefined` when it is malformed,
 * passes a limit or has an unknown root (the tokens then say how, see `readXml`). Throws an
 * `OvirtError` naming line and column for an invalid value.
 */
export function readWholeDocument(
  buf: Uint8Array,
  schema: XmlSchema,
  limits: XmlLimits = {},
): XmlDocument | undefined {
  let reader: ElementReader;
  if (limits.maxDepth !== undefined || limits.maxTokenBytes !== undefined) {
    reader = new ElementReader(schema, limits);
  } else {
    reader = DEFAULT_READERS.get(schema)!;
    if (reader === undefined) DEFAULT_READERS.set(schema, reader = new ElementReader(schema));
  }
  try {
    return reader.readDocument(buf);
  } catch (error) {
    throw located(error, (offset) => locationIn(buf, offset));
  }
}

/**
 * A reader with the default limits per schema, reused by {@link readWholeDocument}: a small
 * answer then costs no reader and no slot arrays. It holds no state between documents (a
 * read never yields, and it lets go of the document when done).
 */
const DEFAULT_READERS = new WeakMap<XmlSchema, ElementReader>();
const EMPTY = new Uint8Array(0);
/**
 * Where a document of at most 8 KiB is copied to be read: copying it costs less than the
 * `Buffer` and `DataView` views of its own bytes (about 60 to 90 ns each) that reading it in
 * place would make.
 */
const SCRATCH = new Uint8Array(8192);
const SCRATCH_LATIN1 = latin1View(SCRATCH);
const SCRATCH_WORDS = new DataView(SCRATCH.buffer);
const UTF16 = new TextDecoder("utf-16le");
/** How many href lengths {@link ElementReader.#knownHrefEnd} is hinted with: 2^(32 - 26). */
const HREF_LENGTH_HINTS = 64;
/** Longest text made from an array of its codes (longer: by a decoder); for each length, one array. */
const MAX_CODE_ARRAY = 256;
const CODE_ARRAYS: number[][] = [];

/**
 * Reads documents or list items. Each element is read by the method of what the schema
 * says it is (struct, list, leaf, link or unknown), which returns its value and leaves
 * `#pos` after its end tag. A struct's member values are collected in a slot array reused
 * for every struct at the same depth, and its object is made by the generated builder, so
 * that every object of a type has the same shape.
 */
export class ElementReader {
  #buf: Uint8Array = EMPTY;
  #len = 0;
  #ended = true;
  // Views of all of #viewed (the buffer read last) made on first use, kept while a stream's
  // items are read from the same buffer.
  #viewed: Uint8Array = EMPTY;
  #latin1: Latin1View | undefined = undefined;
  #words: DataView | undefined = undefined;
  readonly #schema: XmlSchema;
  readonly #maxDepth: number;
  readonly #maxTokenBytes: number;
  #pos = 0;
  readonly #slotArrays: unknown[][] = [];
  // The attributes of the last start tag read by #attributes.
  #attributeCount = 0;
  #selfClosing = false;
  #nameStarts = new Int32Array(ATTRIBUTE_ROOM);
  #nameEnds = new Int32Array(ATTRIBUTE_ROOM);
  #valueStarts = new Int32Array(ATTRIBUTE_ROOM);
  #valueEnds = new Int32Array(ATTRIBUTE_ROOM);
  #valueFlags = new Uint8Array(ATTRIBUTE_ROOM);
  /** The names of a tag's attributes past {@link ATTRIBUTES_COMPARED}, as latin1 strings. */
  readonly #manyNames = new Set<string>();
  readonly #codes = new Uint16Array(4096); // the characters of a leaf's text, collected
  #referenceCode = 0; // the character of the reference #referenceEnd read last
  #cdataFlags = 0; // the flags of the text of the CDATA section #cdataEnd read last
  #relStart = 0; // where the rel of the last link #usualLink read is
  #relEnd = 0;
  // The href of the last start tag #usualReference found followed by content, and its id's length.
  #hrefStart = 0;
  #hrefEnd = 0;
  #idLength = 0;
  #knownHref = ""; // the href #knownHrefEnd found last, and its id
  #knownId = "";
  /** The length of the last href of a start tag, by the hash of the tag's name. */
  readonly #hrefLengths = new Int32Array(HREF_LENGTH_HINTS);

  // The line feeds of the white space read since the last readItem began (all of its line
  // feeds unless #uncounted), and the index of the last one.
  #lineFeeds = 0;
  #lastLineFeed = -1;
  #uncounted = false;

  /** The item {@link ElementReader.readItem} read last. */
  item: unknown = undefined;

  /**
   * The number of line feeds in the bytes of the item {@link ElementReader.readItem} read
   * last (from its `start`), -1 when not counted (they may lie in text, comments or skipped
   * elements): then count them in the bytes.
   */
  get lineFeeds(): number {
    return this.#uncounted ? -1 : this.#lineFeeds;
  }

  /** The index of the last line feed of that item, when {@link lineFeeds} counted them. */
  get lastLineFeed(): number {
    return this.#lastLineFeed;
  }

  /** A reader of documents of `schema`, within `limits` (as the tokenizer's). */
  constructor(schema: XmlSchema, limits: XmlLimits = {}) {
    this.#schema = schema;
    this.#maxDepth = maxDepthOf(limits);
    this.#maxTokenBytes = maxTokenBytesOf(limits);
  }

  /**
   * The whole document `buf`, or `undefined` when it is malformed, passes a limit or has an
   * unknown root; throws a {@link ReadFault} for an invalid value.
   */
  readDocument(buf: Uint8Array): XmlDocument | undefined {
    if (buf.length <= SCRATCH.length) {
      // A small document is read from a copy, whose views are made once for all.
      SCRATCH.set(buf);
      this.#use(SCRATCH, buf.length, true);
      this.#latin1 = SCRATCH_LATIN1;
      this.#words = SCRATCH_WORDS;
    } else {
      this.#use(buf, buf.length, true);
    }
    try {
      return this.#document();
    } catch (error) {
      this.#clearSlots();
      if (error === GIVE_UP || error === OUT_OF_INPUT) return undefined;
      throw error;
    } finally {
      this.#use(EMPTY, 0, true);
    }
  }

  /**
   * Reads one item of the list `items` from `buf[start, end)`, where `depth` elements are
   * open and `ended` tells whether input follows `end`: white space and comments, then the
   * item element. Returns the index after the item's end tag (the item is then
   * {@link ElementReader.item}), {@link ELEMENT_NEEDS_INPUT} when the buffered input ends
   * inside it, or {@link ELEMENT_GAVE_UP}. Throws a {@link ReadFault} for an invalid value.
   */
  readItem(
    buf: Uint8Array,
    start: number,
    end: number,
    ended: boolean,
    items: MemberInfo,
    depth: number,
  ): number {
    this.#use(buf, end, ended);
    this.#lineFeeds = 0;
    this.#lastLineFeed = -1;
    this.#uncounted = false;
    try {
      const i = this.#between(start);
      if (buf[i + 1] === SLASH) return ELEMENT_GAVE_UP;
      this.item = this.#listItem(items, depth, i);
      return this.#pos;
    } catch (error) {
      this.#clearSlots();
      if (error === GIVE_UP) return ELEMENT_GAVE_UP;
      if (error === OUT_OF_INPUT) return ELEMENT_NEEDS_INPUT;
      throw error;
    } finally {
      this.#buf = EMPTY; // the views of the stream's buffer are kept for its next item
    }
  }

  #use(buf: Uint8Array, end: number, ended: boolean): void {
    this.#buf = buf;
    this.#len = end;
    this.#ended = ended;
    this.#pos = 0;
    if (buf !== this.#viewed) {
      this.#viewed = buf;
      this.#latin1 = this.#words = undefined;
    }
  }

  /** Forgets the values an attempt given up part of the way through left in the slots. */
  #clearSlots(): void {
    for (const slots of this.#slotArrays) slots?.fill(undefined);
  }

  /** Gives up at the end of the buffered input: for good if no more input follows. */
  #outOfInput(): never {
    throw this.#ended ? GIVE_UP : OUT_OF_INPUT;
  }

  #document(): XmlDocument {
    const buf = this.#buf, len = this.#len;
    let i = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    i = this.#outside(this.#declaration(i));
    if (i >= len) throw GIVE_UP;
    if (buf[i + 1] === SLASH) throw GIVE_UP;
    const nameEnd = this.#nameEnd(i + 1);
    const name = this.#name(i + 1, nameEnd);
    const root = this.#schema.root(name);
    if (root === undefined) throw GIVE_UP; // the tokens tell it, after a malformed start tag
    const struct = this.#schema.struct(root.type);
    const value = root.list
      ? this.#list(struct.asListItem, [], 0, i, nameEnd)
      : this.#struct(struct, 0, i, nameEnd);
    if (this.#outside(this.#pos) < len) throw GIVE_UP;
    return { root: name, value };
  }

  /**
   * Skips white space, comments and processing instructions outside the root from `i`;
   * returns the index of what follows (the input's end, or a `<` with a byte after it).
   */
  #outside(i: number): number {
    const buf = this.#buf, len = this.#len;
    for (;;) {
      i = this.#spaces(i);
      if (i >= len) return i;
      if (buf[i] !== LT || i + 1 >= len) throw GIVE_UP;
      const next = buf[i + 1];
      if (next === BANG) i = this.#comment(i);
      else if (next === QUESTION) i = this.#instruction(i);
      else return i;
    }
  }

  /** Skips the XML declaration at `i`, if there is one. */
  #declaration(i: number): number {
    const buf = this.#buf, len = this.#len;
    if (
      i + 6 > len || buf[i] !== LT || buf[i + 1] !== QUESTION || buf[i + 2] !== 0x78 ||
      buf[i + 3] !== 0x6d || buf[i + 4] !== 0x6c || (CHAR_CLASS[buf[i + 5]] & SPACE) === 0
    ) return i;
    const limit = Math.min(len, i + this.#maxTokenBytes);
    for (let k = i + 6; k + 1 < limit; k++) {
      const c = buf[k];
      if (c === QUESTION && buf[k + 1] === GT) return k + 2;
      if (c < 0x20 && c !== LF && c !== TAB && c !== CR) break;
    }
    throw GIVE_UP;
  }

  /**
   * Skips what an element's content may hold beside its child elements (white space,
   * comments, processing instructions, text and CDATA: no member's value) from `i` up to the
   * next `<` that starts a start or end tag; returns its index (the byte after it is
   * buffered).
   */
  #between(i: number): number {
    const buf = this.#buf, len = this.#len;
    for (;;) {
      i = this.#spaces(i);
      if (i + 1 >= len) this.#outOfInput();
      if (buf[i] === LT && buf[i + 1] !== BANG && buf[i + 1] !== QUESTION) return i;
      i = this.#besideElements(i);
    }
  }

  /**
   * Skips the text, comment, processing instruction or CDATA section at `i`; returns the
   * index after it.
   */
  #besideElements(i: number): number {
    const buf = this.#buf;
    if (buf[i] !== LT) return this.#text(i);
    if (buf[i + 1] === QUESTION) return this.#instruction(i);
    if (i + 2 < this.#len && buf[i + 2] === DASH) return this.#comment(i);
    this.#cdataEnd(i);
    return this.#pos;
  }

  /** Skips the text at `i` up to the next `<`, checking it as the tokenizer does. */
  #text(i: number): number {
    const buf = this.#buf, len = this.#len, start = i;
    this.#uncounted = true;
    for (; i < len; i++) {
      const c = buf[i];
      if ((CHAR_CLASS[c] & TEXT_SPECIAL) === 0 || c >= 0x80) continue;
      if (c === LT) break;
      if (c === AMP) {
        i = this.#referenceEnd(i);
      } else if (c === GT) {
        if (i - start >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) throw GIVE_UP;
      } else if (c !== CR && c !== LF && c !== TAB) {
        throw GIVE_UP;
      }
    }
    if (i - start > this.#maxTokenBytes) throw GIVE_UP;
    if (i >= len) this.#outOfInput();
    return i;
  }

  /** The index after the processing instruction at `i` (its `<`), checked as the tokenizer does. */
  #instruction(i: number): number {
    const buf = this.#buf, len = this.#len;
    this.#uncounted = true;
    const nameEnd = this.#nameEnd(i + 2);
    // `xml` in any case is the declaration's, which only the document's start may have.
    if (nameEnd - i === 5 && (buf[i + 2] | 0x20) === 0x78 && (buf[i + 3] | 0x20) === 0x6d) {
      if ((buf[i + 4] | 0x20) === 0x6c) throw GIVE_UP;
    }
    if (buf[nameEnd] !== QUESTION && (CHAR_CLASS[buf[nameEnd]] & SPACE) === 0) throw GIVE_UP;
    const limit = Math.min(len, i + this.#maxTokenBytes);
    for (let k = nameEnd; k < limit; k++) {
      const c = buf[k];
      if (c === QUESTION) {
        if (k + 1 >= len) this.#outOfInput();
        if (buf[k + 1] !== GT) continue;
        if (k + 2 - i > this.#maxTokenBytes) throw GIVE_UP;
        return k + 2;
      } else if (c < 0x20 && c !== LF && c !== TAB && c !== CR) {
        throw GIVE_UP;
      }
    }
    if (limit === len) this.#outOfInput();
    throw GIVE_UP;
  }

  /** The index after the comment at `i` (its `<`); anything else after `<!` is given up. */
  #comment(i: number): number {
    const buf = this.#buf, len = this.#len;
    this.#uncounted = true;
    if (i + 4 > len) this.#outOfInput();
    if (buf[i + 2] !== DASH || buf[i + 3] !== DASH) throw GIVE_UP;
    const limit = Math.min(len, i + this.#maxTokenBytes);
    for (let k = i + 4; k < limit; k++) {
      const c = buf[k];
      if (c === DASH) {
        if (k + 2 >= len) this.#outOfInput();
        if (buf[k + 1] !== DASH) continue;
        if (buf[k + 2] !== GT || k + 3 - i > this.#maxTokenBytes) throw GIVE_UP;
        return k + 3;
      }
      if (c < 0x20 && c !== LF && c !== TAB && c !== CR) throw GIVE_UP;
    }
    if (limit === len) this.#outOfInput();
    throw GIVE_UP;
  }

  /** Reads a struct element whose start tag begins at `tagStart`; returns its object. */
  #struct(struct: StructInfo, depth: number, tagStart: number, nameEnd: number): object {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const referenceSlots = struct.referenceSlots;
    if (
      referenceSlots !== undefined && this.#buf[nameEnd] === 0x20 &&
      struct.members[referenceSlots[1]].kind === STRING
    ) {
      const reference = this.#usualReference(tagStart, nameEnd);
      if (reference !== CONTENT_FOLLOWS) {
        if (reference !== undefined) return reference;
      } else if (struct.members[referenceSlots[0]].kind === STRING) {
        return this.#usualStruct(struct, referenceSlots, depth, tagStart, nameEnd);
      }
    }
    const size = struct.members.length;
    const slots = this.#slots(depth, size);
    let i = this.#attributes(tagStart, nameEnd);
    const buf = this.#buf;
    // No content at all (`<x/>` or `<x></x>`): a reference, when the struct has only href and id.
    const empty = this.#selfClosing || (buf[i] === LT && buf[i + 1] === SLASH);
    if (!this.#selfClosing && empty) i = this.#endTag(i, tagStart, nameEnd);
    let href = "", hrefStart = -1;
    for (let a = 0, count = this.#attributeCount; a < count; a++) {
      const attribute = struct.byAttribute.get(this.#attributeName(a));
      if (attribute === undefined) continue;
      const text = empty ? this.#referenceValue(a) : this.#attributeValue(a);
      const value = valueFromText(attribute.kind, text);
      if (value === INVALID_VALUE) throw invalidValue(attribute, text, tagStart);
      if (value !== undefined) slots[attribute.index] = value;
      if (attribute.tag === "href") {
        href = text;
        hrefStart = this.#valueFlags[a] === 0 ? this.#valueStarts[a] : -1;
      }
    }
    if (empty && referenceSlots !== undefined) {
      const [hrefSlot, idSlot] = referenceSlots;
      const object = buildReference(slots[hrefSlot], slots[idSlot]);
      slots[hrefSlot] = slots[idSlot] = undefined;
      this.#pos = i;
      return object;
    }
    if (!empty) {
      i = this.#structContent(struct, slots, depth, i, tagStart, nameEnd, href, hrefStart);
    }
    return this.#built(struct, slots, i);
  }

  /** The object of `struct` made of `slots`, which it empties; `#pos` is set to `end`. */
  #built(struct: StructInfo, slots: unknown[], end: number): object {
    const object = new struct.build(slots);
    for (let k = 0, size = struct.members.length; k < size; k++) slots[k] = undefined;
    this.#pos = end;
    return object;
  }

  /** The slot array of `depth`, with at least `size` slots. */
  #slots(depth: number, size: number): unknown[] {
    const slots = this.#slotArrays[depth];
    if (slots !== undefined && slots.length >= size) return slots;
    return this.#slotArrays[depth] = new Array(Math.max(size, 16)).fill(undefined);
  }

  /**
   * Reads on a struct element whose start tag is `<tag href="H/I" id="I">` (the href at
   * `[#hrefStart, #hrefEnd)`, the id `#idLength` bytes), content following at `#pos`: its
   * href and id are what the general way makes of them (the href's string, the id equal to
   * its end, a slice of it).
   */
  #usualStruct(
    struct: StructInfo,
    [hrefSlot, idSlot]: readonly [number, number],
    depth: number,
    tagStart: number,
    nameEnd: number,
  ): object {
    const size = struct.members.length;
    const slots = this.#slots(depth, size);
    const hrefStart = this.#hrefStart;
    const href = this.#ascii(hrefStart, this.#hrefEnd);
    slots[hrefSlot] = href;
    slots[idSlot] = href.slice(href.length - this.#idLength);
    const i = this.#structContent(
      struct,
      slots,
      depth,
      this.#pos,
      tagStart,
      nameEnd,
      href,
      hrefStart,
    );
    return this.#built(struct, slots, i);
  }

  /**
   * Reads the children of the struct element whose start tag begins at `tagStart` from `i`
   * into `slots`, up to and including its end tag; returns the index after it. `href` and
   * where its plain bytes are (`hrefStart`, -1: not plain) make the `href`s of its links.
   */
  #structContent(
    struct: StructInfo,
    slots: unknown[],
    depth: number,
    i: number,
    tagStart: number,
    tagNameEnd: number,
    href: string,
    hrefStart: number,
  ): number {
    const buf = this.#buf;
    for (;;) {
      i = this.#between(i);
      if (buf[i + 1] === SLASH) return this.#endTag(i, tagStart, tagNameEnd);
      const nameEnd = this.#nameEnd(i + 1);
      const member = struct.memberAt(buf, i + 1, nameEnd);
      if (member === undefined) {
        if (nameEnd - i === 5 && isLink(buf, i + 1)) {
          this.#link(struct, slots, depth + 1, i, nameEnd, href, hrefStart);
        } else {
          this.#unknown(depth + 1, i, nameEnd, hrefStart, href.length);
        }
      } else if (member.list) {
        slots[member.index] = this.#list(member, listIn(slots, member), depth + 1, i, nameEnd);
      } else if (member.kind === STRUCT) {
        slots[member.index] = this.#struct(member.struct, depth + 1, i, nameEnd);
      } else {
        const value = this.#leaf(member, depth + 1, i, nameEnd);
        if (value !== undefined) slots[member.index] = value;
      }
      i = this.#pos;
    }
  }

  /**
   * Reads a list element whose start tag begins at `tagStart`, adding its items to `items`
   * (the list the member already has, or a new one), which it returns.
   */
  #list(
    member: MemberInfo,
    items: unknown[],
    depth: number,
    tagStart: number,
    nameEnd: number,
  ): unknown[] {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    let i = this.#attributes(tagStart, nameEnd);
    if (this.#selfClosing) {
      this.#pos = i;
      return items;
    }
    const buf = this.#buf;
    for (;;) {
      i = this.#between(i);
      if (buf[i + 1] === SLASH) break;
      const value = this.#listItem(member, depth + 1, i);
      if (value !== undefined) items.push(value);
      i = this.#pos;
    }
    this.#pos = this.#endTag(i, tagStart, nameEnd);
    return items;
  }

  /** Reads an item of the list `member` (whatever its tag) at `tagStart`; returns its value. */
  #listItem(member: MemberInfo, depth: number, tagStart: number): unknown {
    const nameEnd = this.#nameEnd(tagStart + 1);
    return member.kind === STRUCT
      ? this.#struct(member.struct, depth, tagStart, nameEnd)
      : this.#leaf(member, depth, tagStart, nameEnd);
  }

  /** Reads a leaf element whose start tag begins at `tagStart`; returns its value. */
  #leaf(member: MemberInfo, depth: number, tagStart: number, nameEnd: number): unknown {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const buf = this.#buf, len = this.#len;
    let start: number;
    if (buf[nameEnd] === GT) {
      start = nameEnd + 1;
    } else {
      start = this.#attributes(tagStart, nameEnd);
      if (this.#selfClosing) {
        this.#pos = start;
        return member.kind === STRING ? "" : undefined;
      }
    }
    // The usual content: plain text, then the end tag.
    let i = start, flags = 0;
    for (; i < len; i++) {
      const c = buf[i];
      if (LEAF_STOP[c] === 0) continue;
      if (c === LT) break;
      if (c >= 0x80) flags = NON_ASCII;
      else break;
    }
    if (i + 1 >= len) this.#outOfInput();
    if (buf[i] !== LT || buf[i + 1] !== SLASH) {
      if (i === start && buf[i] === LT && buf[i + 1] === BANG) {
        const value = this.#cdataValue(member, i, tagStart, nameEnd);
        if (value !== NOT_ALONE) return value;
      }
      return this.#mixedValue(member, depth, start, i, flags, tagStart, nameEnd);
    }
    if (i - start > this.#maxTokenBytes) throw GIVE_UP;
    this.#pos = this.#endTag(i, tagStart, nameEnd);
    return this.#value(member, start, i, flags, start);
  }

  /**
   * The value for `member` of a leaf at `depth` whose content, from `start`, holds
   * references, CR, CDATA sections, comments, processing instructions or child elements
   * (skipped), read on from `from` (the bytes before it are text with `flags`); leaves `#pos`
   * after its end tag. Its text is made of its pieces between markup, less white space
   * between two tags, as the tokenizer drops it. While a piece is ASCII, its characters are
   * collected in `#codes` as they are read (`n` of them; -1: not collected, decoded at its
   * end); an integer, boolean or date in one such piece is read from them, with no string.
   */
  #mixedValue(
    member: MemberInfo,
    depth: number,
    start: number,
    from: number,
    flags: number,
    tagStart: number,
    nameEnd: number,
  ): unknown {
    const kind = member.kind;
    const buf = this.#buf, len = this.#len, codes = this.#codes, full = codes.length - 2;
    let text = "";
    let pieceStart = start;
    let firstPiece = -1; // where the first piece kept starts (a CDATA section: its `<`)
    // Whether the piece follows a tag (the start tag, or a child's end), and a child's.
    let afterTag = true, afterChild = false;
    let n = flags === 0 && from - start <= full ? 0 : -1;
    for (let k = start; n >= 0 && k < from; k++) codes[n++] = buf[k];
    for (let i = from;;) {
      if (i >= len) this.#outOfInput();
      const c = buf[i];
      if (LEAF_STOP[c] === 0) {
        if (n >= 0) n = n < full ? (codes[n] = c, n + 1) : -1;
        i++;
        continue;
      }
      if (c === LT) {
        if (i - pieceStart > this.#maxTokenBytes) throw GIVE_UP;
        if (i + 1 >= len) this.#outOfInput();
        const next = buf[i + 1];
        if (next === SLASH && text === "" && n > 0 && n <= CODE_BYTES.length && kind !== STRING) {
          const value = codesValue(kind, codes, n);
          if (value !== undefined) {
            this.#pos = this.#endTag(i, tagStart, nameEnd);
            return value;
          }
        }
        const beforeTag = next !== BANG && next !== QUESTION;
        const indentation = afterTag && beforeTag && (next !== SLASH || afterChild) &&
          isBlank(buf, pieceStart, i);
        if (i > pieceStart && !indentation) {
          if (firstPiece < 0) firstPiece = pieceStart;
          text += n >= 0 ? fromCodes(codes, n) : this.#decode(pieceStart, i, flags);
        }
        if (next === SLASH) {
          this.#pos = this.#endTag(i, tagStart, nameEnd);
          return this.#convert(member, text, firstPiece < 0 ? start : firstPiece);
        }
        afterTag = afterChild = beforeTag;
        if (beforeTag) {
          if (depth + 1 >= this.#maxDepth) throw GIVE_UP;
          const end = this.#attributes(i, this.#nameEnd(i + 1));
          i = this.#selfClosing ? end : this.#skipContent(end, depth + 1, i);
        } else if (next === QUESTION) {
          i = this.#instruction(i);
        } else {
          if (i + 3 >= len) this.#outOfInput();
          if (buf[i + 2] === DASH) {
            i = this.#comment(i);
          } else {
            if (firstPiece < 0) firstPiece = i;
            text += this.#cdata(i);
            i = this.#pos;
          }
        }
        pieceStart = i;
        flags = n = 0;
        continue;
      }
      if (n >= full) n = -1;
      if (c >= 0x80) {
        flags |= NON_ASCII;
        n = -1;
      } else if (c === LF) {
        this.#lineFeeds++;
        this.#lastLineFeed = i;
        if (n >= 0) codes[n++] = LF;
      } else if (c === AMP) {
        i = this.#referenceEnd(i);
        flags |= ESCAPED;
        if (n >= 0) n = putCode(codes, n, this.#referenceCode);
      } else if (c === GT) {
        if (i - pieceStart >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) {
          throw GIVE_UP;
        }
        if (n >= 0) codes[n++] = GT;
      } else if (c === CR) {
        flags |= ESCAPED;
        if (n >= 0) {
          if (i + 1 >= len) this.#outOfInput();
          if (buf[i + 1] === LF) {
            this.#lineFeeds++;
            this.#lastLineFeed = ++i;
          }
          codes[n++] = LF;
        }
      } else {
        throw GIVE_UP;
      }
      i++;
    }
  }

  /** The text of the CDATA section at `i` (its `<`); leaves `#pos` after it. */
  #cdata(i: number): string {
    const end = this.#cdataEnd(i), flags = this.#cdataFlags;
    const text = this.#decode(i + CDATA_OPEN.length, end, flags & NON_ASCII);
    return (flags & ESCAPED) === 0 ? text : text.replace(/\r\n?/g, "\n");
  }

  /**
   * The end of the text of the CDATA section at `i` (its `<`), where its `]]>` is; leaves
   * `#pos` after that and the text's flags in `#cdataFlags` (ESCAPED: it holds CR).
   */
  #cdataEnd(i: number): number {
    const buf = this.#buf, len = this.#len;
    if (i + CDATA_OPEN.length > len) this.#outOfInput();
    for (let k = 2; k < CDATA_OPEN.length; k++) if (buf[i + k] !== CDATA_OPEN[k]) throw GIVE_UP;
    const start = i + CDATA_OPEN.length;
    let flags = 0;
    for (let k = start; k < len; k++) {
      const c = buf[k];
      if (c === GT) {
        if (k - start >= 2 && buf[k - 1] === RBRACKET && buf[k - 2] === RBRACKET) {
          if (k + 1 - i > this.#maxTokenBytes) throw GIVE_UP;
          this.#pos = k + 1;
          this.#cdataFlags = flags;
          return k - 2;
        }
      } else if (c >= 0x80) {
        flags |= NON_ASCII;
      } else if (c < 0x20) {
        if (c === CR) {
          flags |= ESCAPED;
        } else if (c === LF) {
          this.#lineFeeds++;
          this.#lastLineFeed = k;
        } else if (c !== TAB) {
          throw GIVE_UP;
        }
      }
    }
    this.#outOfInput();
  }

  /**
   * When a leaf's content is one CDATA section at `i` without CR, then its end tag: the
   * value of its text, read from its bytes as plain text is, with `#pos` after the end tag.
   * Otherwise {@link NOT_ALONE}.
   */
  #cdataValue(member: MemberInfo, i: number, tagStart: number, nameEnd: number): unknown {
    const buf = this.#buf, lineFeeds = this.#lineFeeds, lastLineFeed = this.#lastLineFeed;
    if (buf[i + 2] !== CDATA_OPEN[2]) return NOT_ALONE;
    const end = this.#cdataEnd(i), after = this.#pos;
    if (
      (this.#cdataFlags & ESCAPED) !== 0 || after + 1 >= this.#len || buf[after] !== LT ||
      buf[after + 1] !== SLASH
    ) {
      // Read again as mixed text, which counts the section's line feeds.
      this.#lineFeeds = lineFeeds;
      this.#lastLineFeed = lastLineFeed;
      return NOT_ALONE;
    }
    this.#pos = this.#endTag(after, tagStart, nameEnd);
    return this.#value(member, i + CDATA_OPEN.length, end, this.#cdataFlags, i);
  }

  /**
   * The value for `member` of the text `buf[start, end)` with `flags`, written from `offset`
   * (a CDATA section's text: from its `<`).
   */
  #value(member: MemberInfo, start: number, end: number, flags: number, offset: number): unknown {
    const kind = member.kind;
    if (flags !== 0) return this.#convert(member, this.#decode(start, end, flags), offset);
    if (kind === STRING) return this.#ascii(start, end);
    const buf = this.#buf;
    const value = valueFromPlainBytes(kind, buf, start, end);
    if (value !== undefined) return value;
    const text = kind === ENUM || kind === BOOLEAN
      ? this.#interned(start, end)
      : this.#ascii(start, end);
    // An enum value already in its wire form (lower case, no white space) is its own value.
    if (kind === ENUM && end > start && isWireForm(buf, start, end)) return text;
    return this.#convert(member, text, offset);
  }

  /** The value of `text`, written from `offset`, for `member`. */
  #convert(member: MemberInfo, text: string, offset: number): unknown {
    const value = valueFromText(member.kind, text);
    if (value === INVALID_VALUE) throw invalidValue(member, text, offset);
    return value;
  }

  /**
   * The decoded text `buf[start, end)` with `flags` (outside CDATA), or (`attribute`) the
   * decoded attribute value there.
   */
  #decode(start: number, end: number, flags: number, attribute = false): string {
    if (flags === 0) return this.#ascii(start, end);
    const text = flags === NON_ASCII
      ? decodeUtf8(this.#buf, start, end)
      : decodeEscaped(this.#buf, start, end, attribute);
    if (text === undefined) {
      throw new ReadFault(start, (at) => `Malformed XML at ${at}: invalid UTF-8`);
    }
    return text;
  }

  /**
   * Reads a `<link rel href>` child of a struct whose start tag begins at `tagStart`: fills
   * the list link member whose rel matches, with an href made of the parent's when the link
   * is written as engines write it (the parent's plus `/` and the rel, {@link #usualLink}).
   */
  #link(
    struct: StructInfo,
    slots: unknown[],
    depth: number,
    tagStart: number,
    nameEnd: number,
    parentHref: string,
    parentHrefStart: number,
  ): void {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const usual = parentHrefStart >= 0
      ? this.#usualLink(tagStart, nameEnd, parentHrefStart, parentHref.length)
      : -1;
    if (usual >= 0) {
      const member = struct.byRel.get(this.#interned(this.#relStart, this.#relEnd));
      if (member !== undefined) linkList(slots, member, parentHref + member.linkSuffix);
      this.#pos = usual;
      return;
    }
    const end = this.#attributes(tagStart, nameEnd);
    let rel = -1, href = -1;
    for (let a = 0, count = this.#attributeCount; a < count; a++) {
      const name = this.#attributeName(a);
      if (name === "rel") rel = a;
      else if (name === "href") href = a;
    }
    const member = rel >= 0 && href >= 0 ? struct.byRel.get(this.#attributeValue(rel)) : undefined;
    if (member !== undefined) linkList(slots, member, this.#attributeValue(href));
    this.#pos = this.#selfClosing ? end : this.#skipContent(end, depth, tagStart);
  }

  /**
   * Skips an element the schema does not know whose start tag begins at `tagStart`. Its
   * children may be links written as engines write them, made of its parent's plain href at
   * `hrefStart` (-1: none) of `hrefLength` bytes: the `<actions>` of an object.
   */
  #unknown(
    depth: number,
    tagStart: number,
    nameEnd: number,
    hrefStart: number,
    hrefLength: number,
  ): void {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    let i = this.#attributes(tagStart, nameEnd);
    if (this.#selfClosing) {
      this.#pos = i;
      return;
    }
    if (hrefStart >= 0 && depth + 1 < this.#maxDepth) {
      const buf = this.#buf, len = this.#len;
      for (;;) {
        i = this.#spaces(i); // counted: the general way goes on from there
        if (i + 5 >= len || buf[i] !== LT) break;
        if (buf[i + 1] === SLASH) {
          this.#pos = this.#endTag(i, tagStart, nameEnd);
          return;
        }
        if (!isLink(buf, i + 1)) break;
        const end = this.#usualLink(i, i + 5, hrefStart, hrefLength);
        if (end < 0) break;
        i = end;
      }
    }
    this.#pos = this.#skipContent(i, depth, tagStart);
  }

  /**
   * When the element whose start tag begins at `tagStart` (its name ends at `nameEnd`, a
   * space follows) is a reference as engines write them, `<tag href="H" id="I"/>` (or
   * `...></tag>`, or `id` first, or in `'`) where H is plain and ends in `/I`: the reference
   * object, with `#pos` after it; {@link CONTENT_FOLLOWS} when content follows the start
   * tag. Otherwise `undefined` (the input running out included): read it the general way,
   * which gives the same object.
   */
  #usualReference(tagStart: number, nameEnd: number): object | undefined {
    const buf = this.#buf, len = this.#len, at = nameEnd + 1;
    let hrefStart: number, hrefEnd: number, lastSlash = -1, idStart: number, idLength: number;
    let close: number; // the closing quote of the second attribute
    let known = -1; // the href's end, when found in REFERENCE_CACHE without a scan
    if (at + 8 > len) return undefined;
    if (isHrefEquals(buf, at)) { // href="H" id="I": the id where the href says
      const quote = buf[at + 5];
      if (quote !== DQUOTE && quote !== SQUOTE) return undefined;
      hrefStart = hrefEnd = at + 6;
      const hint = Math.imul(nameHash(buf, tagStart + 1, nameEnd), 0x9e3779b1) >>> 26;
      known = this.#knownHrefEnd(hrefStart, quote, this.#hrefLengths[hint]);
      if (known >= 0) {
        hrefEnd = known;
        lastSlash = hrefEnd - this.#knownId.length - 1;
      } else {
        for (; hrefEnd < len; hrefEnd++) {
          const c = buf[hrefEnd];
          if ((CHAR_CLASS[c] & VALUE_SPECIAL) !== 0) break;
          if (c === SLASH) lastSlash = hrefEnd;
        }
        this.#hrefLengths[hint] = hrefEnd - hrefStart;
      }
      idLength = hrefEnd - lastSlash - 1;
      idStart = hrefEnd + 6;
      close = idStart + idLength;
      if (lastSlash < 0 || idLength === 0 || close + 3 > len) return undefined;
      const idQuote = buf[hrefEnd + 5];
      if (
        buf[hrefEnd] !== quote || buf[hrefEnd + 1] !== 0x20 || buf[hrefEnd + 2] !== 0x69 ||
        buf[hrefEnd + 3] !== 0x64 || buf[hrefEnd + 4] !== EQUALS ||
        (idQuote !== DQUOTE && idQuote !== SQUOTE) || buf[close] !== idQuote
      ) return undefined;
    } else if (buf[at] === 0x69 && buf[at + 1] === 0x64 && buf[at + 2] === EQUALS) { // id first
      const quote = buf[at + 3];
      if (quote !== DQUOTE && quote !== SQUOTE) return undefined;
      idStart = at + 4;
      let idEnd = idStart;
      while (idEnd < len && (CHAR_CLASS[buf[idEnd]] & VALUE_SPECIAL) === 0) idEnd++;
      idLength = idEnd - idStart;
      hrefStart = hrefEnd = idEnd + 8;
      if (
        idLength === 0 || hrefStart >= len || buf[idEnd] !== quote || buf[idEnd + 1] !== 0x20 ||
        !isHrefEquals(buf, idEnd + 2)
      ) return undefined;
      const hrefQuote = buf[idEnd + 7];
      if (hrefQuote !== DQUOTE && hrefQuote !== SQUOTE) return undefined;
      for (; hrefEnd < len; hrefEnd++) {
        const c = buf[hrefEnd];
        if ((CHAR_CLASS[c] & VALUE_SPECIAL) !== 0) break;
        if (c === SLASH) lastSlash = hrefEnd;
      }
      close = hrefEnd;
      if (
        lastSlash < 0 || hrefEnd - lastSlash - 1 !== idLength || close + 3 > len ||
        buf[close] !== hrefQuote
      ) return undefined;
    } else {
      return undefined;
    }
    const words = this.#wordView();
    if (!sameAcross(words, buf, idStart, words, buf, lastSlash + 1, idLength)) return undefined;
    let end = close + 3;
    if (buf[close + 1] === GT && (buf[close + 2] !== LT || buf[close + 3] !== SLASH)) {
      // Content follows: the struct is read on by #usualStruct.
      if (close + 4 > len || close + 2 - tagStart > this.#maxTokenBytes) return undefined;
      this.#hrefStart = hrefStart;
      this.#hrefEnd = hrefEnd;
      this.#idLength = idLength;
      this.#pos = close + 2;
      return CONTENT_FOLLOWS;
    }
    if (buf[close + 1] === GT) { // `></tag>`
      const nameLength = nameEnd - tagStart - 1;
      end = close + 5 + nameLength;
      if (end > len || buf[close + 2] !== LT || buf[close + 3] !== SLASH) return undefined;
      for (let k = 0; k < nameLength; k++) {
        if (buf[close + 4 + k] !== buf[tagStart + 1 + k]) return undefined;
      }
      if (buf[end - 1] !== GT) return undefined;
    } else if (buf[close + 1] !== SLASH || buf[close + 2] !== GT) {
      return undefined;
    }
    if (end - tagStart > this.#maxTokenBytes) return undefined;
    this.#pos = end;
    if (known >= 0) return buildReference(this.#knownHref, this.#knownId);
    // The id is the end of the href: a slice of its string, not a string of its own.
    const href = this.#cachedReference(hrefStart, hrefEnd);
    return buildReference(href, href.slice(href.length - idLength));
  }

  /**
   * Where the href at `hrefStart`, closed by `quote`, ends when it is as long as `length`
   * (the last href in a tag of the same name hash, a hint) and its bytes are those of an
   * href in {@link REFERENCE_CACHE} with an id: plain, without quotes, and needing no scan
   * (its string in `#knownHref`, its id in `#knownId`). Otherwise -1: scan it.
   */
  #knownHrefEnd(hrefStart: number, quote: number, length: number): number {
    const buf = this.#buf, end = hrefStart + length;
    if (length === 0 || end >= this.#len || buf[end] !== quote) return -1;
    const hash = tailHash(buf, hrefStart, end);
    const href = REFERENCE_CACHE.find(buf, hrefStart, end, hash, this.#wordView());
    if (href === undefined || REFERENCE_CACHE.lastTail === "") return -1;
    this.#knownHref = href;
    this.#knownId = REFERENCE_CACHE.lastTail;
    return end;
  }

  /**
   * When the link whose start tag begins at `tagStart` (its name ends at `nameEnd`) is
   * exactly `<link href="H/R" rel="R"/>` (or `...></link>`), as engines write links, where H is the parent's
   * plain href `buf[hrefStart, hrefStart + hrefLength)` and R an ASCII name: returns the
   * index after it, R being at `[#relStart, #relEnd)`. Otherwise -1 (the input running out
   * included): read it the general way. This is no guess: every byte is compared with bytes
   * already checked, so that the link is read exactly as the general way reads it.
   */
  #usualLink(tagStart: number, nameEnd: number, hrefStart: number, hrefLength: number): number {
    const buf = this.#buf, len = this.#len;
    if (nameEnd + 8 > len) return -1;
    // Where the rel's value starts and its second copy (in the href, or the attribute), the
    // href's value, and the opening quote of the second attribute's value.
    let relStart: number, relEnd: number, hrefAt: number, secondRel: number, secondQuote: number;
    if (buf[nameEnd] === 0x20 && isHrefEquals(buf, nameEnd + 1)) { // href="H/R" rel="R"
      hrefAt = nameEnd + 7;
      relStart = relEnd = hrefAt + hrefLength + 1;
      while (relEnd < len && ASCII_NAME[buf[relEnd]] !== 0) relEnd++;
      secondQuote = relEnd + 6;
      secondRel = relEnd + 7;
      if (secondRel >= len || !isSpaceAnd(buf, relEnd + 1, 0x72, 0x65, 0x6c)) return -1;
    } else if (isSpaceAnd(buf, nameEnd, 0x72, 0x65, 0x6c)) { // rel="R" href="H/R"
      relStart = relEnd = nameEnd + 6;
      while (relEnd < len && ASCII_NAME[buf[relEnd]] !== 0) relEnd++;
      secondQuote = relEnd + 7;
      hrefAt = relEnd + 8;
      secondRel = hrefAt + hrefLength + 1;
      if (secondRel >= len || buf[relEnd + 1] !== 0x20 || !isHrefEquals(buf, relEnd + 2)) {
        return -1;
      }
    } else {
      return -1;
    }
    const firstQuote = buf[hrefAt < relStart ? hrefAt - 1 : relStart - 1];
    const quote = buf[secondQuote], relLength = relEnd - relStart;
    const close = secondRel + relLength; // the second value's closing quote
    if (
      relLength === 0 || close >= len || (firstQuote !== DQUOTE && firstQuote !== SQUOTE) ||
      buf[relEnd] !== firstQuote || (quote !== DQUOTE && quote !== SQUOTE) ||
      buf[close] !== quote || buf[hrefAt + hrefLength] !== SLASH
    ) return -1;
    const words = this.#wordView();
    if (!sameAcross(words, buf, hrefAt, words, buf, hrefStart, hrefLength)) return -1;
    for (let k = 0; k < relLength; k++) if (buf[secondRel + k] !== buf[relStart + k]) return -1;
    // `"/>`, or `"></link>`
    const end = buf[close + 1] === GT ? close + 9 : close + 3;
    if (end > len || end - tagStart > this.#maxTokenBytes || buf[end - 1] !== GT) return -1;
    if (end === close + 3 ? buf[close + 1] !== SLASH : !isEndOfLink(buf, close + 2)) return -1;
    this.#relStart = relStart;
    this.#relEnd = relEnd;
    return end;
  }

  /**
   * Skips the content and end tag of the element at `depth` whose start tag is at
   * `tagStart`, from `i`, child element by child element; returns the index after it.
   */
  #skipContent(i: number, depth: number, tagStart: number): number {
    const buf = this.#buf, nameEnd = this.#nameEnd(tagStart + 1);
    for (;;) {
      i = this.#between(i);
      if (buf[i + 1] === SLASH) return this.#endTag(i, tagStart, nameEnd);
      if (depth + 1 >= this.#maxDepth) throw GIVE_UP;
      const end = this.#attributes(i, this.#nameEnd(i + 1));
      i = this.#selfClosing ? end : this.#skipContent(end, depth + 1, i);
    }
  }

  /**
   * Reads the attributes of the start tag at `tagStart`, from `i` (after its name) to its
   * `>` or `/>`; returns the index after that.
   */
  #attributes(tagStart: number, i: number): number {
    const buf = this.#buf, len = this.#len;
    let count = 0;
    for (;;) {
      const afterSpace = this.#spaces(i);
      if (afterSpace + 1 >= len) this.#outOfInput();
      const c = buf[afterSpace];
      if (c === GT) {
        i = afterSpace + 1;
        this.#selfClosing = false;
        break;
      }
      if (c === SLASH) {
        if (buf[afterSpace + 1] !== GT) throw GIVE_UP;
        i = afterSpace + 2;
        this.#selfClosing = true;
        break;
      }
      if (afterSpace === i) throw GIVE_UP;
      if (count === this.#nameStarts.length) this.#makeAttributeRoom();
      const nameEnd = this.#nameEnd(afterSpace);
      if (this.#repeatsName(afterSpace, nameEnd, count)) throw GIVE_UP;
      this.#nameStarts[count] = afterSpace;
      this.#nameEnds[count] = nameEnd;
      i = this.#spaces(nameEnd);
      if (i >= len) this.#outOfInput();
      if (buf[i] !== EQUALS) throw GIVE_UP;
      i = this.#spaces(i + 1);
      if (i >= len) this.#outOfInput();
      const quote = buf[i];
      if (quote !== DQUOTE && quote !== SQUOTE) throw GIVE_UP;
      const valueStart = ++i;
      let flags = 0;
      for (; i < len; i++) {
        const v = buf[i];
        if ((CHAR_CLASS[v] & VALUE_SPECIAL) === 0) continue;
        if (v === quote) break;
        if (v >= 0x80) {
          flags |= NON_ASCII;
        } else if (v === AMP) {
          i = this.#referenceEnd(i);
          flags |= ESCAPED;
        } else if (v === LF || v === TAB || v === CR) {
          if (v === LF) this.#uncounted = true;
          flags |= ESCAPED;
        } else if (v !== DQUOTE && v !== SQUOTE) {
          throw GIVE_UP; // '<' or a control character
        }
      }
      if (i >= len) this.#outOfInput();
      this.#valueStarts[count] = valueStart;
      this.#valueEnds[count] = i;
      this.#valueFlags[count++] = flags;
      i++;
    }
    if (i - tagStart > this.#maxTokenBytes) throw GIVE_UP;
    this.#attributeCount = count;
    return i;
  }

  /**
   * Whether the name `#buf[start, end)` is that of one of the first `count` attributes of
   * the tag being read: compared byte by byte with a few, looked up among many (linear
   * work whatever the number of attributes).
   */
  #repeatsName(start: number, end: number, count: number): boolean {
    const buf = this.#buf, nameStarts = this.#nameStarts, nameEnds = this.#nameEnds;
    if (count < ATTRIBUTES_COMPARED) {
      for (let k = 0; k < count; k++) {
        if (sameBytes(buf, start, end, nameStarts[k], nameEnds[k])) return true;
      }
      return false;
    }
    const names = this.#manyNames;
    const latin1 = this.#latin1View();
    if (count === ATTRIBUTES_COMPARED) {
      names.clear();
      for (let k = 0; k < count; k++) {
        names.add(latin1.latin1Slice(nameStarts[k], nameEnds[k]));
      }
    }
    const name = latin1.latin1Slice(start, end);
    if (names.has(name)) return true;
    names.add(name);
    return false;
  }

  /** Makes room for twice as many attributes of a start tag, keeping those read. */
  #makeAttributeRoom(): void {
    const room = 2 * this.#nameStarts.length;
    const grown = <T extends Int32Array | Uint8Array>(old: T, made: T): T => {
      made.set(old);
      return made;
    };
    this.#nameStarts = grown(this.#nameStarts, new Int32Array(room));
    this.#nameEnds = grown(this.#nameEnds, new Int32Array(room));
    this.#valueStarts = grown(this.#valueStarts, new Int32Array(room));
    this.#valueEnds = grown(this.#valueEnds, new Int32Array(room));
    this.#valueFlags = grown(this.#valueFlags, new Uint8Array(room));
  }

  /** The name of attribute `a` of the last start tag, without a lookup for `id` and `href`. */
  #attributeName(a: number): string {
    const buf = this.#buf, start = this.#nameStarts[a], end = this.#nameEnds[a];
    const length = end - start;
    if (length === 2 && buf[start] === 0x69 && buf[start + 1] === 0x64) return "id";
    if (
      length === 4 && buf[start] === 0x68 && buf[start + 1] === 0x72 &&
      buf[start + 2] === 0x65 && buf[start + 3] === 0x66
    ) return "href";
    return this.#name(start, end);
  }

  /** The decoded value of attribute `a` of the last start tag. */
  #attributeValue(a: number): string {
    return this.#decode(this.#valueStarts[a], this.#valueEnds[a], this.#valueFlags[a], true);
  }

  /** The plain ASCII `buf[start, end)`, a short value that repeats, from its cache. */
  #interned(start: number, end: number): string {
    return end - start <= MAX_INTERNED_VALUE
      ? VALUE_CACHE.internUnhashed(this.#buf, start, end) ?? this.#ascii(start, end)
      : this.#ascii(start, end);
  }

  /** {@link ElementReader.#attributeValue} of a reference's `id` or `href`, from their cache. */
  #referenceValue(a: number): string {
    const start = this.#valueStarts[a], end = this.#valueEnds[a];
    if (this.#valueFlags[a] !== 0) return this.#attributeValue(a);
    return this.#cachedReference(start, end);
  }

  /** The plain ASCII `buf[start, end)`, the `id` or `href` of a reference, from their cache. */
  #cachedReference(start: number, end: number): string {
    if (end - start > MAX_INTERNED_REFERENCE) return this.#ascii(start, end);
    const buf = this.#buf, hash = tailHash(buf, start, end);
    const cached = REFERENCE_CACHE.find(buf, start, end, hash, this.#wordView());
    if (cached !== undefined) return cached;
    const value = this.#ascii(start, end);
    REFERENCE_CACHE.remember(buf, start, end, hash, value);
    return value;
  }

  /**
   * The end of the end tag at `i` (its `<`) of the element whose start tag is at `tagStart`,
   * its name ending at `nameEnd`.
   */
  #endTag(i: number, tagStart: number, nameEnd: number): number {
    const buf = this.#buf, len = this.#len, length = nameEnd - tagStart - 1;
    const after = i + 2 + length;
    if (after >= len) this.#outOfInput();
    for (let k = 0, j = i + 2, n = tagStart + 1; k < length; k++) {
      if (buf[j + k] !== buf[n + k]) throw GIVE_UP;
    }
    if (buf[after] === GT && after - i <= this.#maxTokenBytes) return after + 1;
    if ((CHAR_CLASS[buf[after]] & NAME_CHAR) !== 0) throw GIVE_UP;
    const end = this.#spaces(after);
    if (end >= len) this.#outOfInput();
    if (buf[end] !== GT || end - i > this.#maxTokenBytes) throw GIVE_UP;
    return end + 1;
  }

  /** The end of the name at `start`. */
  #nameEnd(start: number): number {
    const buf = this.#buf, len = this.#len;
    if (start >= len) this.#outOfInput();
    let i = start + 1;
    const first = buf[start];
    if (ASCII_NAME[first] === ASCII_NAME_START) {
      while (i < len && ASCII_NAME[buf[i]] !== 0) i++;
    } else if (first < 0x80) {
      throw GIVE_UP;
    }
    if (i < len && (buf[i] >= 0x80 || first >= 0x80)) {
      // Not ASCII: checked as a whole when made a string (see #name), as the tokenizer does.
      while (i < len && (CHAR_CLASS[buf[i]] & NAME_CHAR) !== 0) i++;
      if (i < len) this.#name(start, i);
    }
    if (i >= len) this.#outOfInput();
    if (i - start > this.#maxTokenBytes) throw GIVE_UP;
    return i;
  }

  /** The interned name `buf[start, end)`. */
  #name(start: number, end: number): string {
    const name = NAME_CACHE.intern(this.#buf, start, end, nameHash(this.#buf, start, end));
    if (name === undefined) throw GIVE_UP;
    return name;
  }

  /** The index of the `;` ending the valid reference at `amp`, its code in `#referenceCode`. */
  #referenceEnd(amp: number): number {
    const buf = this.#buf;
    const limit = Math.min(this.#len, amp + MAX_REFERENCE_LENGTH);
    let semicolon = amp + 1;
    while (semicolon < limit && buf[semicolon] !== SEMICOLON) semicolon++;
    if (semicolon >= limit && limit === this.#len) this.#outOfInput();
    if (semicolon >= limit) throw GIVE_UP;
    const code = referencedCodePoint(buf, amp + 1, semicolon);
    if (code < 0) throw GIVE_UP;
    this.#referenceCode = code;
    return semicolon;
  }

  /** The index after the white space at `i` (at most one token's worth of it). */
  #spaces(i: number): number {
    const buf = this.#buf, len = this.#len, start = i;
    let lineFeeds = 0, last = -1;
    for (; i < len; i++) {
      const c = buf[i];
      if (c > 0x20) break;
      if (c === LF) {
        lineFeeds++;
        last = i;
      } else if (c !== 0x20 && c !== TAB && c !== CR) {
        break;
      }
    }
    if (i - start > this.#maxTokenBytes) throw GIVE_UP;
    if (lineFeeds !== 0) {
      this.#lineFeeds += lineFeeds;
      this.#lastLineFeed = last;
    }
    return i;
  }

  /**
   * The plain ASCII `buf[start, end)` as a string of its own: never a view of a larger
   * string, so that a value kept does not keep the document alive.
   */
  #ascii(start: number, end: number): string {
    return end - start <= SHORT_TEXT_LIMIT
      ? shortAsciiText(this.#buf, start, end)
      : this.#latin1View().latin1Slice(start, end);
  }

  #wordView(): DataView {
    const buf = this.#buf;
    return this.#words ??= new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  #latin1View(): Latin1View {
    return this.#latin1 ??= latin1View(this.#buf);
  }
}

const ASCII_NAME_START = 1, ASCII_NAME_CHAR = 2;
/** For each byte: {@link ASCII_NAME_START} if it may start an ASCII name, else its {@link ASCII_NAME_CHAR} bit. */
const ASCII_NAME = CHAR_CLASS.map((bits, byte) =>
  byte >= 0x80
    ? 0
    : (bits & NAME_START) !== 0
    ? ASCII_NAME_START
    : (bits & NAME_CHAR) !== 0
    ? ASCII_NAME_CHAR
    : 0
);

const VALUE_NAMES = ["a string", "a boolean", "an integer", "a decimal", "a date", "an enum"];

/** The fault of `text`, written from `offset`, which is no value for `member`. */
function invalidValue(member: MemberInfo, text: string, offset: number): ReadFault {
  const shown = JSON.stringify(text.length > 40 ? text.slice(0, 40) + "..." : text);
  return new ReadFault(
    offset,
    (at) =>
      `Invalid XML value at ${at}: <${member.tag}> expects ${
        VALUE_NAMES[member.kind]
      }, got ${shown}`,
  );
}

/** The string of the UTF-16 `codes[0, n)`. */
function fromCodes(codes: Uint16Array, n: number): string {
  if (n > MAX_CODE_ARRAY) return UTF16.decode(codes.subarray(0, n));
  const exact = CODE_ARRAYS[n] ??= new Array(n).fill(0);
  for (let k = 0; k < n; k++) exact[k] = codes[k];
  return String.fromCharCode.apply(null, exact);
}

/** Puts the UTF-16 code units of the character `code` at `codes[n]`; returns the index after them. */
function putCode(codes: Uint16Array, n: number, code: number): number {
  if (code < 0x10000) {
    codes[n] = code;
    return n + 1;
  }
  codes[n] = 0xd800 + ((code - 0x10000) >> 10);
  codes[n + 1] = 0xdc00 + ((code - 0x10000) & 0x3ff);
  return n + 2;
}

/** The bytes of the characters {@link codesValue} reads. */
const CODE_BYTES = new Uint8Array(64);

/**
 * {@link valueFromPlainBytes} of the ASCII characters `codes[0, n)` (at most 64), made
 * bytes; `undefined` when they are not ASCII or not in the usual form.
 */
function codesValue(kind: number, codes: Uint16Array, n: number): unknown {
  for (let k = 0; k < n; k++) {
    const code = codes[k];
    if (code >= 0x80) return undefined;
    CODE_BYTES[k] = code;
  }
  return valueFromPlainBytes(kind, CODE_BYTES, 0, n);
}

/** Bytes that end the plain text of a leaf: {@link TEXT_SPECIAL} ones, and LF (to count lines). */
const LEAF_STOP = CHAR_CLASS.map((bits, byte) => byte === LF ? 1 : bits & TEXT_SPECIAL);

/**
 * The hash of a reference's `id` or `href` in {@link REFERENCE_CACHE}: its length and its
 * last eight bytes, where the ids of one collection differ.
 */
function tailHash(buf: Uint8Array, start: number, end: number): number {
  let hash = end - start;
  for (let i = Math.max(start, end - 8); i < end; i++) hash = (hash * 31 + buf[i]) | 0;
  return hash;
}

/** Whether `buf[start, end)` holds no upper-case letter and no white space. */
function isWireForm(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c <= 0x20 || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/** Whether `buf[at, at + 5)` spells `href=`. */
function isHrefEquals(buf: Uint8Array, at: number): boolean {
  return buf[at] === 0x68 && buf[at + 1] === 0x72 && buf[at + 2] === 0x65 &&
    buf[at + 3] === 0x66 && buf[at + 4] === EQUALS;
}

/** Whether `buf[at, at + 5)` is a space, the three letters `a`, `b`, `c` and `=`. */
function isSpaceAnd(buf: Uint8Array, at: number, a: number, b: number, c: number): boolean {
  return buf[at] === 0x20 && buf[at + 1] === a && buf[at + 2] === b && buf[at + 3] === c &&
    buf[at + 4] === EQUALS;
}

/** Whether `buf[at, at + 6)` spells `</link`. */
function isEndOfLink(buf: Uint8Array, at: number): boolean {
  return buf[at] === LT && buf[at + 1] === SLASH && isLink(buf, at + 2);
}

/** Whether `buf[at, at + 4)` spells `link`. */
function isLink(buf: Uint8Array, at: number): boolean {
  return buf[at] === 0x6c && buf[at + 1] === 0x69 && buf[at + 2] === 0x6e && buf[at + 3] === 0x6b;
}

/** Whether `buf[start, end)` and `buf[otherStart, otherEnd)` hold the same bytes. */
function sameBytes(
  buf: Uint8Array,
  start: number,
  end: number,
  otherStart: number,
  otherEnd: number,
): boolean {
  if (end - start !== otherEnd - otherStart) return false;
  for (let k = start, j = otherStart; k < end; k++, j++) if (buf[k] !== buf[j]) return false;
  return true;
}

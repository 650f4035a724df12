/**
 * The fast path of the XML readers: turns a whole document held in one buffer (`readXml`),
 * or one item of a list document being streamed, straight into typed objects, by
 * recursive descent guided by the schema, with no tokens in between. It takes only the
 * plain shape engines write: elements, attributes, text and references, ASCII names, white
 * space between elements. On anything else (comments, CDATA, processing instructions, text
 * beside elements, malformed input, a value of the wrong kind) it gives up, and the token
 * reader (`DocumentReader`) reads the document, which handles every form and reports
 * errors with their location. What the objects of a list repeat (runs of links, the tags
 * between values, what comes before each child) it remembers per struct and compares
 * whole in the next object (`link_run.ts`, `tag_run.ts`).
 *
 * @module
 */

import {
  AMP,
  BANG,
  CR,
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
import { Buffer } from "node:buffer";
import {
  CHAR_CLASS,
  decodeEscaped,
  decodeUtf8,
  matchNameBytes,
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
import type { XmlDocument } from "./document_reader.ts";
import { INVALID_VALUE, valueFromPlainBytes, valueFromText } from "./leaf_value.ts";
import { CHILD_LINKS, LinkRun, MEMBER_LINKS, MIN_RUN_LINKS } from "./link_run.ts";
import type { RecentRuns } from "./byte_run.ts";
import { MAX_TAG_RUN, TagRun } from "./tag_run.ts";
import {
  BOOLEAN,
  buildReference,
  ENUM,
  MAX_GUESSED_TAG,
  type MemberInfo,
  newList,
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
import { skipElementContent } from "./skip.ts";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOKEN_BYTES, type XmlLimits } from "./tokenizer.ts";

const MAX_ATTRIBUTES = 8;
/** Deeper documents are left to the token reader, which does not recurse. */
const MAX_RECURSION = 256;
/** What follows `<link` in a link as engines write it, and what follows its first rel. */
const LINK_HREF = new Uint8Array([0x20, 0x68, 0x72, 0x65, 0x66, EQUALS, DQUOTE]); // ` href="`
const LINK_REL = new Uint8Array([DQUOTE, 0x20, 0x72, 0x65, 0x6c, EQUALS, DQUOTE]); // `" rel="`
const LINK_NAME = new Uint8Array([0x6c, 0x69, 0x6e, 0x6b]); // `link`
// Flags of a value; 0: plain ASCII, its bytes are its characters.
const ESCAPED = 1; // holds references or CR
const NON_ASCII = 2; // holds bytes of non-ASCII characters

/** Thrown inside the reader to give the input up; never escapes it. */
const GIVE_UP = new Error("not plain input");
/** Thrown inside the reader when the input ends before the element does; never escapes it. */
const OUT_OF_INPUT = new Error("input ends too early");

/** {@link PlainReader.readItem} result: the item is not plain; read it with tokens. */
export const PLAIN_GAVE_UP = -1;
/** {@link PlainReader.readItem} result: the item may be plain but is not all buffered yet. */
export const PLAIN_NEEDS_INPUT = -2;

/**
 * Reads the whole document `buf` into typed objects when it has the plain shape (see the
 * module documentation) and respects `limits`; otherwise returns `undefined`, and the
 * document must be read by the token reader, which gives the same result or the error.
 */
export function readPlainDocument(
  buf: Uint8Array,
  schema: XmlSchema,
  limits: XmlLimits = {},
): XmlDocument | undefined {
  return new PlainReader(schema, limits).readDocument(buf);
}

/**
 * Reads plain documents or list items. Each element is read by the method of what the
 * schema says it is (struct, list, leaf, link or unknown), which returns its value and
 * leaves `#pos` after its end tag. A struct's member values are collected in a slot array
 * reused for every struct at the same depth, and its object is made by the generated
 * builder, exactly as the token reader does; both also share the per-struct guesses of
 * the next tag.
 */
export class PlainReader {
  #buf: Uint8Array = new Uint8Array(0);
  #len = 0;
  #ended = true;
  #latin1: Buffer = Buffer.alloc(0);
  #words: DataView = new DataView(new ArrayBuffer(0));
  readonly #schema: XmlSchema;
  readonly #maxDepth: number;
  readonly #maxTokenBytes: number;
  #pos = 0;
  readonly #slotArrays: unknown[][] = [];
  readonly #listArrays: unknown[][] = []; // the items of the list being read at each depth

  // The flags of the last text read by #text, and the member index of the last leaf #leaves read.
  #textFlags = 0;
  #lastLeafIndex = -1;
  // Where the rel of the last link read by #usualLink is.
  #relStart = 0;
  #relEnd = 0;
  // The attributes of the last start tag read by #attributes.
  #attributeCount = 0;
  #selfClosing = false;
  readonly #nameStarts = new Int32Array(MAX_ATTRIBUTES);
  readonly #nameEnds = new Int32Array(MAX_ATTRIBUTES);
  readonly #valueStarts = new Int32Array(MAX_ATTRIBUTES);
  readonly #valueEnds = new Int32Array(MAX_ATTRIBUTES);
  readonly #valueFlags = new Uint8Array(MAX_ATTRIBUTES);
  readonly #valueHashes = new Int32Array(MAX_ATTRIBUTES);

  /** The item {@link PlainReader.readItem} read last. */
  item: unknown = undefined;

  /** A reader of documents of `schema`, within `limits` (as the token reader's). */
  constructor(schema: XmlSchema, limits: XmlLimits = {}) {
    this.#schema = schema;
    this.#maxDepth = Math.min(limits.maxDepth ?? DEFAULT_MAX_DEPTH, MAX_RECURSION);
    this.#maxTokenBytes = limits.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  }

  /** The whole document `buf`, or `undefined` when it is not plain (see the module). */
  readDocument(buf: Uint8Array): XmlDocument | undefined {
    this.#use(buf, buf.length, true);
    try {
      return this.#document();
    } catch (error) {
      this.#clearSlots();
      if (error === GIVE_UP || error === OUT_OF_INPUT) return undefined;
      throw error;
    }
  }

  /**
   * Reads one item of the list `items` (a list member whose items are structs) from
   * `buf[start, end)`, where `depth` elements are open and `ended` tells whether input
   * follows `end`: white space, then the item element. Returns the index after the item's
   * end tag (the item is then {@link PlainReader.item}), {@link PLAIN_NEEDS_INPUT} when
   * the buffered input ends inside it, or {@link PLAIN_GAVE_UP}.
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
    try {
      const i = this.#spaces(start);
      if (i + 1 >= end) this.#outOfInput();
      const next = buf[i + 1];
      if (buf[i] !== LT || next === SLASH || next === BANG || next === QUESTION) {
        return PLAIN_GAVE_UP;
      }
      this.item = this.#listItem(items, depth, i);
      return this.#pos;
    } catch (error) {
      this.#clearSlots();
      if (error === GIVE_UP) return PLAIN_GAVE_UP;
      if (error === OUT_OF_INPUT) return PLAIN_NEEDS_INPUT;
      throw error;
    }
  }

  #use(buf: Uint8Array, end: number, ended: boolean): void {
    this.#buf = buf;
    this.#len = end;
    this.#ended = ended;
    this.#latin1 = Buffer.from(buf.buffer, buf.byteOffset, end);
    this.#words = new DataView(buf.buffer, buf.byteOffset, end);
    this.#pos = 0;
  }

  /** Forgets the values an attempt given up part of the way through left in the slots. */
  #clearSlots(): void {
    for (const slots of this.#slotArrays) slots?.fill(undefined);
    for (const read of this.#listArrays) read?.fill(undefined);
  }

  /** Gives up at the end of the buffered input: for good if no more input follows. */
  #outOfInput(): never {
    throw this.#ended ? GIVE_UP : OUT_OF_INPUT;
  }

  #document(): XmlDocument {
    const buf = this.#buf, len = this.#len;
    let i = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    i = this.#spaces(this.#declaration(i));
    if (i >= len || buf[i] !== LT) throw GIVE_UP;
    const nameEnd = this.#nameEnd(i + 1);
    const name = this.#name(i + 1, nameEnd);
    const root = this.#schema.root(name);
    if (root === undefined) throw GIVE_UP;
    const struct = this.#schema.struct(root.type);
    let value: unknown;
    if (root.list) {
      value = this.#list(struct.asListItem, undefined, 0, i, nameEnd);
    } else {
      value = this.#struct(struct, 0, i, nameEnd);
    }
    if (this.#spaces(this.#pos) !== len) throw GIVE_UP;
    return { root: name, value };
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

  /** Reads a struct element whose start tag begins at `tagStart`; returns its object. */
  #struct(struct: StructInfo, depth: number, tagStart: number, nameEnd: number): object {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const size = struct.members.length;
    let slots = this.#slotArrays[depth];
    if (slots === undefined || slots.length < size) {
      slots = this.#slotArrays[depth] = new Array(Math.max(size, 16)).fill(undefined);
    }
    let i = this.#attributes(tagStart, nameEnd);
    const reference = this.#selfClosing;
    let href = "", hrefStart = -1, hrefLength = 0;
    for (let a = 0, count = this.#attributeCount; a < count; a++) {
      const attribute = struct.byAttribute.get(this.#attributeName(a));
      if (attribute === undefined) continue;
      const text = reference ? this.#referenceValue(a) : this.#attributeValue(a);
      const value = valueFromText(attribute.kind, text);
      if (value === INVALID_VALUE) throw GIVE_UP;
      if (value !== undefined) slots[attribute.index] = value;
      if (attribute.tag === "href") {
        href = text;
        hrefStart = this.#valueFlags[a] === 0 ? this.#valueStarts[a] : -1;
        hrefLength = this.#valueEnds[a] - this.#valueStarts[a];
      }
    }
    const referenceSlots = struct.referenceSlots;
    if (reference && referenceSlots !== undefined) {
      const [hrefSlot, idSlot] = referenceSlots;
      const object = buildReference(slots[hrefSlot], slots[idSlot]);
      slots[hrefSlot] = slots[idSlot] = undefined;
      this.#pos = i;
      return object;
    }
    if (!reference) {
      i = this.#structContent(
        struct,
        slots,
        depth,
        i,
        tagStart + 1,
        nameEnd,
        href,
        hrefStart,
        hrefLength,
      );
    }
    const object = new struct.build(slots);
    for (let k = 0; k < size; k++) slots[k] = undefined;
    this.#pos = i;
    return object;
  }

  /**
   * Reads the children of a struct element from `i` into `slots`, up to and including its
   * end tag; returns the index after it. `href` and where its plain bytes are (`hrefStart`,
   * -1: not plain) make the `href`s of the struct's `<link>`s. Before each child, the
   * struct's runs of what came at that position before are tried (see `tag_run.ts`); the
   * child is otherwise found by reading its name, and what came before it remembered.
   */
  #structContent(
    struct: StructInfo,
    slots: unknown[],
    depth: number,
    i: number,
    nameStart: number,
    nameEnd: number,
    href: string,
    hrefStart: number,
    hrefLength: number,
  ): number {
    const buf = this.#buf, len = this.#len;
    const memberCount = struct.members.length;
    let last = -1; // the position of the last child, as in StructInfo.nextTag
    let lastLink = 0; // 1 + the index of the member of the last <link>
    let lastTextEnd = -1; // where the text of the last child ended, if it was a leaf
    let lastLeafIndex = -1; // and the index of its member
    const useRuns = this.#maxTokenBytes >= MAX_TAG_RUN; // then no run can hold too long a token
    const tagRuns = useRuns ? struct.tagRuns : undefined;
    const childRuns = useRuns ? struct.childRuns : undefined;
    for (;;) {
      const guess = last + 1;
      const run = childRuns === undefined ? undefined : this.#childRunAt(childRuns, guess, i);
      let childNameEnd: number;
      let member: MemberInfo | undefined;
      let isLink: boolean;
      if (run !== undefined) {
        childNameEnd = i + run.length - 1;
        i = childNameEnd - run.nameLength - 1;
        member = run.member;
        isLink = run.isLink;
      } else {
        const head = i;
        i = this.#spaces(i);
        if (i + 1 >= len) this.#outOfInput();
        if (buf[i] !== LT) throw GIVE_UP;
        const next = buf[i + 1];
        if (next === SLASH) return this.#endTag(i, nameStart, nameEnd);
        if (next === BANG || next === QUESTION) throw GIVE_UP;
        const guessBytes = struct.nextTagBytes[guess];
        childNameEnd = guessBytes === undefined ? -1 : matchNameBytes(buf, i + 1, len, guessBytes);
        if (childNameEnd >= 0) {
          member = struct.nextMember[guess];
          isLink = member === undefined && struct.nextTag[guess] === "link";
        } else {
          childNameEnd = this.#nameEnd(i + 1);
          const name = this.#name(i + 1, childNameEnd);
          member = struct.byTag.get(name);
          if (name.length <= MAX_GUESSED_TAG) {
            struct.nextTag[guess] = name;
            struct.nextTagBytes[guess] = NAME_CACHE.lastKey;
            struct.nextMember[guess] = member;
          }
          isLink = name === "link";
        }
        if (childRuns !== undefined && childNameEnd + 1 - head <= MAX_TAG_RUN) {
          const nameLength = childNameEnd - i - 1;
          const words = this.#words;
          const read = new TagRun(buf, words, head, childNameEnd + 1, member, isLink, nameLength);
          childRuns.remember(guess, read);
        }
      }
      if (member === undefined) {
        last = memberCount + (isLink ? 0 : 1);
        if (isLink) {
          const afterUsual = hrefStart >= 0 && depth + 1 < this.#maxDepth
            ? this.#usualLinks(struct, slots, lastLink, i, href, hrefStart, hrefLength)
            : -1;
          lastLink = afterUsual >= 0
            ? afterUsual
            : this.#link(struct, slots, lastLink, depth + 1, i, childNameEnd, href, hrefStart);
        } else {
          this.#unknown(struct, depth + 1, i, childNameEnd, hrefStart, hrefLength);
        }
      } else {
        last = member.index;
        if (member.list) {
          const existing = slots[member.index];
          const items = Array.isArray(existing) ? existing : undefined;
          slots[member.index] = this.#list(member, items, depth + 1, i, childNameEnd);
        } else if (member.kind === STRUCT) {
          slots[member.index] = this.#struct(member.struct, depth + 1, i, childNameEnd);
        } else if (
          tagRuns !== undefined && buf[childNameEnd] === GT && depth + 1 < this.#maxDepth
        ) {
          const nameLength = childNameEnd - i - 1;
          if (lastTextEnd >= 0 && childNameEnd + 1 - lastTextEnd <= MAX_TAG_RUN) {
            const run = new TagRun(
              buf,
              this.#words,
              lastTextEnd,
              childNameEnd + 1,
              member,
              false,
              nameLength,
            );
            tagRuns.remember(lastLeafIndex, run);
          }
          lastTextEnd = this.#leaves(tagRuns, slots, member, childNameEnd, nameLength);
          lastLeafIndex = last = this.#lastLeafIndex;
          i = this.#pos;
          continue;
        } else {
          const value = this.#leaf(member, depth + 1, i, childNameEnd);
          if (value !== undefined) slots[member.index] = value;
        }
      }
      lastTextEnd = -1;
      i = this.#pos;
    }
  }

  /** The one of the two most recent runs at `place` of `runs` that is at `at`, if any. */
  #childRunAt(runs: RecentRuns<TagRun>, place: number, at: number): TagRun | undefined {
    const buf = this.#buf, words = this.#words, len = this.#len;
    const first = runs.first(place);
    if (first === undefined || first.matchAt(buf, words, at, len)) return first;
    const second = runs.second(place);
    return second !== undefined && second.matchAt(buf, words, at, len) ? second : undefined;
  }

  /**
   * Reads a list element whose start tag begins at `tagStart`; returns `items` (a list the
   * member already has) with its items added, or a new list of just its items.
   */
  #list(
    member: MemberInfo,
    items: unknown[] | undefined,
    depth: number,
    tagStart: number,
    nameEnd: number,
  ): unknown[] {
    let i = this.#open(depth, tagStart, nameEnd);
    if (i < 0) return items ?? newList();
    const buf = this.#buf, len = this.#len;
    const read = this.#listArrays[depth] ??= [];
    let count = 0;
    for (;;) {
      i = this.#spaces(i);
      if (i + 1 >= len) this.#outOfInput();
      if (buf[i] !== LT) throw GIVE_UP;
      const next = buf[i + 1];
      if (next === SLASH) break;
      if (next === BANG || next === QUESTION) throw GIVE_UP;
      const value = this.#listItem(member, depth + 1, i);
      if (value !== undefined) read[count++] = value;
      i = this.#pos;
    }
    this.#pos = this.#endTag(i, tagStart + 1, nameEnd);
    // A new list is a copy of just the items read: grown item by item, it would have room for 16.
    let list = items;
    if (list === undefined) list = read.slice(0, count);
    else for (let k = 0; k < count; k++) list.push(read[k]);
    read.fill(undefined, 0, count);
    return list;
  }

  /**
   * Reads an item of the list `member` whose start tag begins at `tagStart` (any tag: the
   * list says what its items are); returns its value (`undefined`: none).
   */
  #listItem(member: MemberInfo, depth: number, tagStart: number): unknown {
    const itemBytes = member.itemBytes;
    let nameEnd = itemBytes === undefined
      ? -1
      : matchNameBytes(this.#buf, tagStart + 1, this.#len, itemBytes);
    if (nameEnd < 0) {
      nameEnd = this.#nameEnd(tagStart + 1);
      const name = this.#name(tagStart + 1, nameEnd);
      if (name !== member.itemTag && name.length <= MAX_GUESSED_TAG) {
        member.itemTag = name;
        member.itemBytes = NAME_CACHE.lastKey;
      }
    }
    return member.kind === STRUCT
      ? this.#struct(member.struct, depth, tagStart, nameEnd)
      : this.#leaf(member, depth, tagStart, nameEnd);
  }

  /** Reads a leaf element whose start tag begins at `tagStart`; returns its value. */
  #leaf(member: MemberInfo, depth: number, tagStart: number, nameEnd: number): unknown {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const buf = this.#buf;
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
    const end = this.#text(start);
    const flags = this.#textFlags;
    this.#pos = this.#endTag(end, tagStart + 1, nameEnd);
    return this.#value(member.kind, start, end, flags);
  }

  /**
   * Reads the leaf of `member` whose start tag, with no attributes, has its name end at
   * `nameEnd` (its length `nameLength`), into `slots`; then, as long as the bytes after a
   * leaf's text are one of its struct's two {@link TagRun}s for its member, the leaf that
   * run starts. Returns where the text of the last leaf read ends, that leaf's member's index
   * in `#lastLeafIndex`, and `#pos` after its end tag.
   */
  #leaves(
    tagRuns: RecentRuns<TagRun<MemberInfo>>,
    slots: unknown[],
    member: MemberInfo,
    nameEnd: number,
    nameLength: number,
  ): number {
    const buf = this.#buf, len = this.#len, words = this.#words;
    for (;;) {
      const start = nameEnd + 1;
      const end = this.#text(start);
      const flags = this.#textFlags;
      let run = tagRuns.first(member.index);
      if (run !== undefined && !run.matchAt(buf, words, end, len)) {
        run = tagRuns.second(member.index);
        if (run !== undefined && !run.matchAt(buf, words, end, len)) run = undefined;
      }
      if (run === undefined) this.#pos = this.#endTag(end, nameEnd - nameLength, nameEnd);
      const value = this.#value(member.kind, start, end, flags);
      if (value !== undefined) slots[member.index] = value;
      if (run === undefined) {
        this.#lastLeafIndex = member.index;
        return end;
      }
      member = run.member;
      nameEnd = end + run.length - 1;
      nameLength = run.nameLength;
    }
  }

  /**
   * Scans the text of a leaf from `start` to the `</` after it; returns the index of that
   * `<`, with the text's flags in `#textFlags`.
   */
  #text(start: number): number {
    const buf = this.#buf, len = this.#len;
    let flags = 0, i = start;
    for (; i < len; i++) {
      const c = buf[i];
      if ((CHAR_CLASS[c] & TEXT_SPECIAL) === 0) continue;
      if (c === LT) break;
      if (c >= 0x80) {
        flags |= NON_ASCII;
      } else if (c === AMP) {
        i = this.#referenceEnd(i);
        flags |= ESCAPED;
      } else if (c === GT) {
        if (i - start >= 2 && buf[i - 1] === RBRACKET && buf[i - 2] === RBRACKET) throw GIVE_UP;
      } else if (c === CR) {
        flags |= ESCAPED;
      } else {
        throw GIVE_UP;
      }
    }
    if (i + 1 >= len) this.#outOfInput();
    if (buf[i + 1] !== SLASH || i - start > this.#maxTokenBytes) throw GIVE_UP;
    this.#textFlags = flags;
    return i;
  }

  /** The value of the text `buf[start, end)` with `flags` for a member of kind `kind`. */
  #value(kind: number, start: number, end: number, flags: number): unknown {
    const buf = this.#buf;
    let text: string | undefined;
    if (flags === 0) {
      if (kind === STRING) return this.#ascii(start, end);
      const value = valueFromPlainBytes(kind, buf, start, end);
      if (value !== undefined) return value;
      text = (kind === ENUM || kind === BOOLEAN) && end - start <= MAX_INTERNED_VALUE
        ? VALUE_CACHE.internUnhashed(buf, start, end)
        : this.#ascii(start, end);
    } else {
      text = flags === NON_ASCII
        ? decodeUtf8(buf, start, end)
        : decodeEscaped(buf, start, end, false);
    }
    if (text === undefined) throw GIVE_UP;
    const value = valueFromText(kind, text);
    if (value === INVALID_VALUE) throw GIVE_UP;
    return value;
  }

  /**
   * Reads the links as engines write them (see {@link PlainReader.#usualLink}) from
   * `tagStart` on, children of a struct (filling its list link members in `slots`) or, with
   * no `slots`, of an unknown child of it. The struct's last two runs of such links
   * ({@link LinkRun}s) are tried first; otherwise they are read one by one and remembered as
   * its most recent run. `lastLink` is as for {@link PlainReader.#link}; returns the new value of it, with
   * `#pos` after the last link, or -1 when the link at `tagStart` is not such a link.
   */
  #usualLinks(
    struct: StructInfo,
    slots: unknown[] | undefined,
    lastLink: number,
    tagStart: number,
    href: string,
    hrefStart: number,
    hrefLength: number,
  ): number {
    const buf = this.#buf, len = this.#len;
    const place = slots === undefined ? CHILD_LINKS : MEMBER_LINKS;
    for (const run of [struct.linkRuns.first(place), struct.linkRuns.second(place)]) {
      if (run === undefined || run.length + hrefLength > this.#maxTokenBytes) continue;
      const end = run.matchAt(buf, this.#words, tagStart, len, hrefStart, hrefLength);
      if (end < 0) continue;
      if (slots !== undefined) {
        for (const member of run.members) {
          if (member !== undefined) lastLink = setLink(slots, member, href + member.linkSuffix);
        }
      }
      this.#pos = end;
      return lastLink;
    }
    const hrefs: number[] = [], members: (MemberInfo | undefined)[] = [];
    let i = tagStart, runEnd = -1;
    for (;;) {
      const nameEnd = matchNameBytes(buf, i + 1, len, LINK_NAME);
      const end = nameEnd < 0 ? -1 : this.#usualLink(i, nameEnd, hrefStart, hrefLength);
      if (end < 0) break;
      if (slots !== undefined) {
        const member = this.#usualLinkMember(struct, lastLink);
        if (member !== undefined) lastLink = setLink(slots, member, href + member.linkSuffix);
        members.push(member);
      }
      hrefs.push(nameEnd + LINK_HREF.length);
      runEnd = end;
      i = this.#spaces(end);
      if (i + 1 >= len || buf[i] !== LT) break;
    }
    if (runEnd < 0) return -1;
    if (hrefs.length >= MIN_RUN_LINKS) {
      const read = new LinkRun(buf, this.#words, tagStart, runEnd, hrefs, hrefLength, members);
      struct.linkRuns.remember(place, read);
    }
    this.#pos = runEnd;
    return lastLink;
  }

  /**
   * Reads a `<link rel href>` child of a struct whose start tag begins at `tagStart`: fills
   * the list link member whose rel matches. `lastLink` is 1 + the index of the member of
   * the struct's previous link (0 for none); returns the new value of it.
   */
  #link(
    struct: StructInfo,
    slots: unknown[],
    lastLink: number,
    depth: number,
    tagStart: number,
    nameEnd: number,
    parentHref: string,
    parentHrefStart: number,
  ): number {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const end = this.#attributes(tagStart, nameEnd);
    let rel = -1, href = -1;
    for (let a = 0, count = this.#attributeCount; a < count; a++) {
      const name = this.#attributeName(a);
      if (name === "rel") rel = a;
      else if (name === "href") href = a;
    }
    let member: MemberInfo | undefined;
    if (rel >= 0 && href >= 0) {
      member = struct.nextLink[lastLink];
      if (member === undefined || !this.#valueEquals(rel, member.relBytes)) {
        member = struct.byRel.get(this.#internedValue(rel));
        if (member !== undefined) struct.nextLink[lastLink] = member;
      }
    }
    if (member !== undefined) {
      lastLink = setLink(
        slots,
        member,
        parentHrefStart >= 0 && this.#valueExtends(href, parentHrefStart, parentHref.length, rel)
          ? parentHref + member.linkSuffix
          : this.#attributeValue(href),
      );
    }
    this.#pos = this.#selfClosing ? end : this.#skipContent(end, depth, tagStart + 1, nameEnd);
    return lastLink;
  }

  /**
   * Skips an element the schema does not know, child of a `struct`, whose start tag begins
   * at `tagStart`. Its children may be links as engines write them, made of the struct's
   * plain href at `hrefStart` (-1: none): the `<actions>` of an object.
   */
  #unknown(
    struct: StructInfo,
    depth: number,
    tagStart: number,
    nameEnd: number,
    hrefStart: number,
    hrefLength: number,
  ): void {
    let i = this.#open(depth, tagStart, nameEnd);
    if (i < 0) return;
    if (hrefStart >= 0 && depth + 1 < this.#maxDepth) {
      const buf = this.#buf, len = this.#len;
      for (;;) {
        i = this.#spaces(i);
        if (i + 1 >= len || buf[i] !== LT) break;
        if (buf[i + 1] === SLASH) {
          this.#pos = this.#endTag(i, tagStart + 1, nameEnd);
          return;
        }
        if (this.#usualLinks(struct, undefined, 0, i, "", hrefStart, hrefLength) < 0) break;
        i = this.#pos;
      }
    }
    this.#pos = this.#skipContent(i, depth, tagStart + 1, nameEnd);
  }

  /**
   * When the link whose start tag begins at `tagStart` (its name ends at `nameEnd`) is
   * exactly `<link href="H/R" rel="R"/>`, as engines write links, where H is the parent's
   * plain href `buf[hrefStart, hrefStart + hrefLength)` and R a name of ASCII letters,
   * digits, `-`, `.`, `_` or `:`: returns the index after it, R being at
   * `[#relStart, #relEnd)`. Otherwise -1, the input running out included: read it the
   * general way. Every byte is compared with bytes known to be valid, so nothing else
   * needs checking.
   */
  #usualLink(tagStart: number, nameEnd: number, hrefStart: number, hrefLength: number): number {
    const buf = this.#buf, len = this.#len;
    const relStart = nameEnd + LINK_HREF.length + hrefLength + 1;
    if (relStart >= len) return -1;
    for (let k = 0; k < LINK_HREF.length; k++) if (buf[nameEnd + k] !== LINK_HREF[k]) return -1;
    const hrefAt = nameEnd + LINK_HREF.length;
    if (!this.#sameRange(hrefAt, hrefStart, hrefLength)) return -1;
    if (buf[relStart - 1] !== SLASH) return -1;
    let relEnd = relStart;
    while (relEnd < len && buf[relEnd] < 0x80 && (CHAR_CLASS[buf[relEnd]] & NAME_CHAR) !== 0) {
      relEnd++;
    }
    const relLength = relEnd - relStart;
    const secondRel = relEnd + LINK_REL.length;
    const end = secondRel + relLength + 3;
    if (relLength === 0 || end > len || end - tagStart > this.#maxTokenBytes) return -1;
    for (let k = 0; k < LINK_REL.length; k++) if (buf[relEnd + k] !== LINK_REL[k]) return -1;
    for (let k = 0; k < relLength; k++) if (buf[secondRel + k] !== buf[relStart + k]) return -1;
    const close = secondRel + relLength;
    if (buf[close] !== DQUOTE || buf[close + 1] !== SLASH || buf[close + 2] !== GT) return -1;
    this.#relStart = relStart;
    this.#relEnd = relEnd;
    return end;
  }

  /** Whether `buf[a, a + length)` and `buf[b, b + length)` hold the same bytes (both in input). */
  #sameRange(a: number, b: number, length: number): boolean {
    return sameAcross(this.#words, this.#buf, a, this.#words, this.#buf, b, length);
  }

  /** The list link member of the rel #usualLink found: the guess after `lastLink`, or by rel. */
  #usualLinkMember(struct: StructInfo, lastLink: number): MemberInfo | undefined {
    const buf = this.#buf, start = this.#relStart, end = this.#relEnd;
    const guess = struct.nextLink[lastLink];
    if (guess !== undefined && sameAs(buf, start, end, guess.relBytes)) return guess;
    const rel = end - start <= MAX_INTERNED_VALUE
      ? VALUE_CACHE.internUnhashed(buf, start, end) ?? this.#ascii(start, end)
      : this.#ascii(start, end);
    const member = struct.byRel.get(rel);
    if (member !== undefined) struct.nextLink[lastLink] = member;
    return member;
  }

  /** Skips the content and end tag of the element at `depth` named `buf[nameStart, nameEnd)`. */
  #skipContent(from: number, depth: number, nameStart: number, nameEnd: number): number {
    const buf = this.#buf;
    const name = buf.subarray(nameStart, nameEnd);
    const end = skipElementContent(
      buf,
      from,
      Math.min(this.#len, from + this.#maxTokenBytes),
      name,
      this.#maxDepth - depth - 1,
    );
    if (end >= 0) return end;
    // Not plain, or not all buffered: the latter only while its end tag is not in sight.
    const endTag = new Uint8Array(name.length + 2);
    endTag.set([LT, SLASH]);
    endTag.set(name, 2);
    if (this.#latin1.indexOf(endTag, from) < 0) this.#outOfInput();
    throw GIVE_UP;
  }

  /**
   * Reads the rest of the start tag at `tagStart` of an element at `depth` whose attributes
   * do not matter: returns where its content starts, or -1 when it is self-closing (then
   * `#pos` is after it).
   */
  #open(depth: number, tagStart: number, nameEnd: number): number {
    if (depth >= this.#maxDepth) throw GIVE_UP;
    const end = this.#attributes(tagStart, nameEnd);
    if (!this.#selfClosing) return end;
    this.#pos = end;
    return -1;
  }

  /**
   * Reads the attributes of the start tag at `tagStart`, from `i` (after its name) to its
   * `>` or `/>`; returns the index after that.
   */
  #attributes(tagStart: number, i: number): number {
    const buf = this.#buf, len = this.#len;
    const nameStarts = this.#nameStarts, nameEnds = this.#nameEnds;
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
      if (afterSpace === i || count === MAX_ATTRIBUTES) throw GIVE_UP;
      const nameEnd = this.#nameEnd(afterSpace);
      for (let k = 0; k < count; k++) {
        if (sameBytes(buf, afterSpace, nameEnd, nameStarts[k], nameEnds[k])) throw GIVE_UP;
      }
      nameStarts[count] = afterSpace;
      nameEnds[count] = nameEnd;
      i = this.#spaces(nameEnd);
      if (i >= len) this.#outOfInput();
      if (buf[i] !== EQUALS) throw GIVE_UP;
      i = this.#spaces(i + 1);
      if (i >= len) this.#outOfInput();
      const quote = buf[i];
      if (quote !== DQUOTE && quote !== SQUOTE) throw GIVE_UP;
      const valueStart = ++i;
      let flags = 0;
      let hash = 0; // of a plain value, as hashBytes makes it (for #referenceValue)
      for (; i < len; i++) {
        const v = buf[i];
        if ((CHAR_CLASS[v] & VALUE_SPECIAL) === 0) {
          hash = (hash * 31 + v) | 0;
          continue;
        }
        if (v === quote) break;
        if (v >= 0x80) {
          flags |= NON_ASCII;
        } else if (v === AMP) {
          i = this.#referenceEnd(i);
          flags |= ESCAPED;
        } else if (v === LF || v === TAB || v === CR) {
          flags |= ESCAPED;
        } else if (v !== DQUOTE && v !== SQUOTE) {
          throw GIVE_UP; // '<' or a control character
        }
      }
      if (i >= len) this.#outOfInput();
      this.#valueStarts[count] = valueStart;
      this.#valueEnds[count] = i;
      this.#valueHashes[count] = hash;
      this.#valueFlags[count++] = flags;
      i++;
    }
    if (i - tagStart > this.#maxTokenBytes) throw GIVE_UP;
    this.#attributeCount = count;
    return i;
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
    const start = this.#valueStarts[a], end = this.#valueEnds[a], flags = this.#valueFlags[a];
    if (flags === 0) return this.#ascii(start, end);
    const value = flags === NON_ASCII
      ? decodeUtf8(this.#buf, start, end)
      : decodeEscaped(this.#buf, start, end, true);
    if (value === undefined) throw GIVE_UP;
    return value;
  }

  /** {@link PlainReader.#attributeValue} of a short value that repeats (a link's `rel`). */
  #internedValue(a: number): string {
    const start = this.#valueStarts[a], end = this.#valueEnds[a];
    if (this.#valueFlags[a] !== 0 || end - start > MAX_INTERNED_VALUE) {
      return this.#attributeValue(a);
    }
    return VALUE_CACHE.internUnhashed(this.#buf, start, end) ?? this.#attributeValue(a);
  }

  /** {@link PlainReader.#attributeValue} of a reference's `id` or `href`, from their cache. */
  #referenceValue(a: number): string {
    const start = this.#valueStarts[a], end = this.#valueEnds[a];
    if (this.#valueFlags[a] !== 0 || end - start > MAX_INTERNED_REFERENCE) {
      return this.#attributeValue(a);
    }
    const buf = this.#buf, hash = this.#valueHashes[a];
    const cached = REFERENCE_CACHE.find(buf, start, end, hash, this.#words);
    if (cached !== undefined) return cached;
    const value = this.#ascii(start, end);
    REFERENCE_CACHE.remember(buf, start, end, hash, value);
    return value;
  }

  /** Whether the value of attribute `a` is plain and spells exactly `bytes`. */
  #valueEquals(a: number, bytes: Uint8Array): boolean {
    const buf = this.#buf, start = this.#valueStarts[a], length = bytes.length;
    if (this.#valueFlags[a] !== 0 || this.#valueEnds[a] - start !== length) return false;
    for (let k = 0; k < length; k++) if (buf[start + k] !== bytes[k]) return false;
    return true;
  }

  /**
   * Whether the value of attribute `a` is the plain `buf[from, from + length)`, then `/`,
   * then the value of attribute `suffix`: a link's `href` made of its parent's and its `rel`.
   */
  #valueExtends(a: number, from: number, length: number, suffix: number): boolean {
    const buf = this.#buf, start = this.#valueStarts[a], end = this.#valueEnds[a];
    const suffixStart = this.#valueStarts[suffix], suffixEnd = this.#valueEnds[suffix];
    if (
      this.#valueFlags[a] !== 0 || this.#valueFlags[suffix] !== 0 ||
      end - start !== length + 1 + suffixEnd - suffixStart || buf[start + length] !== SLASH
    ) return false;
    return sameBytes(buf, start, start + length, from, from + length) &&
      sameBytes(buf, start + length + 1, end, suffixStart, suffixEnd);
  }

  /** The end of the end tag at `i` (its `<`) of the element named `buf[nameStart, nameEnd)`. */
  #endTag(i: number, nameStart: number, nameEnd: number): number {
    const buf = this.#buf, len = this.#len;
    const afterName = i + 2 + nameEnd - nameStart;
    if (afterName >= len) this.#outOfInput();
    if ((CHAR_CLASS[buf[afterName]] & NAME_CHAR) !== 0) throw GIVE_UP;
    if (!this.#sameRange(i + 2, nameStart, nameEnd - nameStart)) throw GIVE_UP;
    const end = this.#spaces(afterName);
    if (end >= len) this.#outOfInput();
    if (buf[end] !== GT || end - i > this.#maxTokenBytes) throw GIVE_UP;
    return end + 1;
  }

  /** The end of the ASCII name at `start`. */
  #nameEnd(start: number): number {
    const buf = this.#buf, len = this.#len;
    if (start >= len) this.#outOfInput();
    if ((CHAR_CLASS[buf[start]] & NAME_START) === 0 || buf[start] >= 0x80) throw GIVE_UP;
    let i = start + 1;
    while (i < len && (CHAR_CLASS[buf[i]] & NAME_CHAR) !== 0) {
      if (buf[i] >= 0x80) throw GIVE_UP;
      i++;
    }
    if (i >= len) this.#outOfInput();
    return i;
  }

  /** The interned name `buf[start, end)`; its bytes are then `NAME_CACHE.lastKey`. */
  #name(start: number, end: number): string {
    const name = NAME_CACHE.intern(this.#buf, start, end, nameHash(this.#buf, start, end));
    if (name === undefined) throw GIVE_UP;
    return name;
  }

  /** The index of the `;` ending the valid reference at `amp`. */
  #referenceEnd(amp: number): number {
    const buf = this.#buf;
    const limit = Math.min(this.#len, amp + MAX_REFERENCE_LENGTH);
    let semicolon = amp + 1;
    while (semicolon < limit && buf[semicolon] !== SEMICOLON) semicolon++;
    if (semicolon >= limit && limit === this.#len) this.#outOfInput();
    if (semicolon >= limit || referencedCodePoint(buf, amp + 1, semicolon) < 0) throw GIVE_UP;
    return semicolon;
  }

  /** The index after the white space at `i` (at most one token's worth of it). */
  #spaces(i: number): number {
    const buf = this.#buf, len = this.#len, start = i;
    for (; i < len; i++) {
      const c = buf[i];
      if (c !== 0x20 && c !== LF && c !== TAB && c !== CR) break;
    }
    if (i - start > this.#maxTokenBytes) throw GIVE_UP;
    return i;
  }

  /**
   * The plain ASCII `buf[start, end)` as a string of its own: never a view of a larger
   * string, so that a value kept does not keep the document alive.
   */
  #ascii(start: number, end: number): string {
    return end - start <= SHORT_TEXT_LIMIT
      ? shortAsciiText(this.#buf, start, end)
      : this.#latin1.toString("latin1", start, end);
  }
}

/**
 * Sets the list link member `member` in `slots` to an empty list carrying `href` (or gives
 * the list already there that href); returns 1 + its index.
 */
function setLink(slots: unknown[], member: MemberInfo, href: string): number {
  const existing = slots[member.index];
  const list: unknown[] & { href?: string } = Array.isArray(existing) ? existing : newList();
  list.href = href;
  slots[member.index] = list;
  return member.index + 1;
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

/** Whether `buf[start, end)` holds exactly `bytes`. */
function sameAs(buf: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let k = 0; k < bytes.length; k++) if (buf[start + k] !== bytes[k]) return false;
  return true;
}

/**
 * Reading a document that arrives in chunks (`readXmlStream`, `streamList`): the tokenizer
 * follows the document's frame (its root and, for a list, the list element) and checks
 * every byte the element reader does not read; the element reader builds every object. So
 * objects are made by one piece of code whether the input arrives whole or in pieces.
 *
 * @module
 */

import { OvirtError } from "../errors.ts";
import type { MemberInfo, XmlSchema } from "./schema.ts";
import {
  END_OF_DOCUMENT,
  END_TAG,
  maxTokenBytesOf,
  NEED_DATA,
  START_TAG,
  type XmlLimits,
  XmlTokenizer,
} from "./tokenizer.ts";
import {
  ELEMENT_NEEDS_INPUT,
  ElementReader,
  located,
  readWholeDocument,
  unreadable,
  type XmlDocument,
} from "./element_reader.ts";

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
  /**
   * With `streamItems`: called with a list root's tag before its items are read; what it
   * throws ends the reading (a list of another type than the one asked for).
   */
  checkListRoot?: (root: string) => void;
  /** The limits of the tokenizer and of the element reader. */
  limits?: XmlLimits;
}

// What the reader is doing.
const BEFORE_ROOT = 0; // tokens up to the root's start tag
const WHOLE = 1; // a document that is no list: checked by tokens, held, read whole at its end
const ITEMS = 2; // a list: each item read by the element reader once buffered
const CHECKING = 3; // a list item the element reader gave up, or a long one: checked by tokens, held
const AFTER_ROOT = 4; // tokens up to the end of the document

/**
 * Reads one document fed chunk by chunk to its tokenizer ({@link DocumentReader.tokens}). A list document's items are read
 * by the element reader as soon as each is buffered, without tokens: an item not all
 * there yet is tried again once twice as many of its bytes are, and its line feeds are
 * handed to the tokenizer with it (`skipTo`) so that later error positions stay exact.
 * Input the element reader gives up (malformed, or past a limit) and an item longer than
 * the token limit are read by tokens instead, which report any error with its position,
 * while the tokenizer holds their bytes; the element reader then reads the checked bytes.
 * A document that is not a list is held and checked the same way and read whole at its end.
 */
export class DocumentReader {
  /** The tokenizer to push the document's chunks to, and end. */
  readonly tokens: XmlTokenizer;
  readonly #schema: XmlSchema;
  readonly #streamItems: boolean;
  readonly #checkListRoot: ((root: string) => void) | undefined;
  readonly #elements: ElementReader;
  readonly #limits: XmlLimits | undefined;
  readonly #maxItemWait: number;
  #state = BEFORE_ROOT;
  #root = "";
  #value: unknown = undefined;
  #items: unknown[] = [];
  #itemMember: MemberInfo | undefined = undefined;
  #item: object | undefined = undefined;
  /** How many bytes of the next item must be buffered before it is tried (again). */
  #wait = 0;
  /** The length in bytes of the last item read (with what came before it). */
  #lastItemLength = 0;
  #checkedItems = 0;
  /** Whether the bytes before the root were let go: the held ones no longer start the input. */
  #prologDropped = false;

  /** Reads a document of `schema` (see {@link DocumentReaderOptions}). */
  constructor(schema: XmlSchema, options: DocumentReaderOptions = {}) {
    const tokens = this.tokens = new XmlTokenizer(options.limits);
    this.#schema = schema;
    this.#streamItems = options.streamItems === true;
    this.#checkListRoot = options.checkListRoot;
    this.#limits = options.limits;
    this.#elements = new ElementReader(schema, options.limits);
    this.#maxItemWait = maxTokenBytesOf(options.limits ?? {});
    tokens.hold(0); // until the root says whether the document is a list
  }

  /** Consumes input until it runs out, an item is complete (streaming) or the end. */
  run(): typeof READ_NEED_DATA | typeof READ_ITEM | typeof READ_DONE {
    try {
      return this.#advance();
    } catch (error) {
      throw this.#state === WHOLE ? this.#firstError(error) : error;
    }
  }

  /** {@link DocumentReader.run}, but for the error a document that is no list reports first. */
  #advance(): typeof READ_NEED_DATA | typeof READ_ITEM | typeof READ_DONE {
    const tokens = this.tokens;
    for (;;) {
      if (this.#state === ITEMS) {
        const outcome = this.#nextItem();
        if (outcome !== READ_DONE) return outcome;
        continue;
      }
      const token = tokens.next();
      if (token === NEED_DATA) {
        if (this.#state !== WHOLE) this.#moveHold();
        return READ_NEED_DATA;
      }
      if (token === START_TAG) {
        if (this.#state === BEFORE_ROOT) this.#startRoot(tokens.name);
      } else if (token === END_TAG) {
        if (tokens.openElements === 0) {
          // A document that is no list is read here: what follows its root is not held.
          this.#value = this.#state === WHOLE ? this.#heldDocument() : this.#items;
          tokens.release();
          this.#state = AFTER_ROOT;
        } else if (tokens.openElements === 1 && this.#state === CHECKING) {
          if (this.#checkedItem()) return READ_ITEM;
        }
      } else if (token === END_OF_DOCUMENT) {
        return READ_DONE;
      }
    }
  }

  /**
   * Before more input is buffered, lets go of held bytes that the tokens found to hold no
   * value: the prolog before the root (comments, processing instructions, white space), and
   * what came between a list's items since the hold began when the tokens are back at the
   * list's level with no item begun (an item the element reader gave up or found too long
   * starts where the hold moves to). So a stream of comments is never held, and memory stays
   * bounded by one item and one token.
   */
  #moveHold(): void {
    const tokens = this.tokens;
    const from = tokens.heldFrom;
    if (from < 0) return;
    if (this.#state === CHECKING) {
      const at = tokens.handOverPoint;
      if (tokens.openElements === 1 && at > from) tokens.hold(at);
    } else if (this.#state === BEFORE_ROOT) {
      const at = tokens.position;
      if (at > from) {
        tokens.hold(at);
        this.#prologDropped = true;
      }
    }
  }

  /** How many list items were checked by tokens before the element reader read them. */
  get checkedItems(): number {
    return this.#checkedItems;
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

  #startRoot(name: string): void {
    const tokens = this.tokens;
    const root = this.#schema.root(name);
    if (root === undefined) {
      throw new OvirtError(`Unknown XML document root <${name}> at ${tokens.location()}`);
    }
    // A fault (or an action holding one), which a server may send in place of a list, is read
    // whole for what it says.
    if (this.#streamItems && !root.list && name !== "fault" && name !== "action") {
      throw notAList(name);
    }
    if (this.#streamItems && root.list) this.#checkListRoot?.(name);
    this.#root = name;
    if (!root.list) {
      this.#state = WHOLE;
      return;
    }
    tokens.release();
    this.#itemMember = this.#schema.struct(root.type).asListItem;
    this.#state = ITEMS;
    this.#wait = 0;
  }

  /**
   * Offers the next item of the list to the element reader, which reads it straight from
   * the buffered input when it is all there; returns {@link READ_DONE} to go on with the
   * state reached. Unless items are handed out one by one, an item is not tried before as
   * many bytes as the previous one had are buffered: most attempts before that would read
   * part of it in vain.
   */
  #nextItem(): typeof READ_NEED_DATA | typeof READ_ITEM | typeof READ_DONE {
    const tokens = this.tokens;
    const start = tokens.handOverPoint;
    const buffered = tokens.inputEnd - start;
    if (start < 0) {
      // The end of a list written `<vms/>`, which the tokenizer is still to report.
      this.#state = CHECKING;
      return READ_DONE;
    }
    if (!tokens.ended) {
      if (buffered < this.#wait) return READ_NEED_DATA;
      if (!this.#streamItems && buffered < this.#lastItemLength) return READ_NEED_DATA;
    }
    const end = this.#readItem(start, tokens.inputEnd, tokens.ended);
    if (end === ELEMENT_NEEDS_INPUT && buffered <= this.#maxItemWait) {
      this.#wait = Math.min(buffered * 2, this.#maxItemWait + 1);
      return READ_NEED_DATA;
    }
    if (end < 0) {
      tokens.hold(start);
      this.#state = CHECKING;
      return READ_DONE;
    }
    tokens.skipTo(end, this.#elements.lineFeeds, this.#elements.lastLineFeed);
    this.#lastItemLength = end - start;
    this.#wait = 0;
    return this.#took() ? READ_ITEM : READ_DONE;
  }

  /**
   * The item whose tokens, held from its start, just ended, read by the element reader;
   * returns whether it is to be handed out.
   */
  #checkedItem(): boolean {
    const tokens = this.tokens;
    const start = tokens.heldFrom, end = tokens.handOverPoint;
    if (this.#readItem(start, end, true) !== end) {
      throw unreadable(`at ${tokens.inputLocation(start)}`);
    }
    tokens.release();
    this.#checkedItems++;
    this.#state = ITEMS;
    this.#wait = 0;
    return this.#took();
  }

  /** `ElementReader.readItem` of the next item in the tokenizer's input. */
  #readItem(start: number, end: number, ended: boolean): number {
    const tokens = this.tokens;
    try {
      return this.#elements.readItem(tokens.input, start, end, ended, this.#itemMember!, 1);
    } catch (error) {
      throw located(error, (offset) => tokens.inputLocation(offset));
    }
  }

  /** Takes the item the element reader read; returns whether it is to be handed out. */
  #took(): boolean {
    const item = this.#elements.item as object;
    this.#elements.item = undefined;
    if (this.#streamItems) {
      this.#item = item;
      return true;
    }
    this.#items.push(item);
    return false;
  }

  /**
   * What a document that is no list reports when its tokens failed with `error`: an invalid
   * value before that point, met by the element reader reading the held bytes in order (the
   * error `readXml` reports for the same bytes), else `error`.
   */
  #firstError(error: unknown): unknown {
    try {
      this.#readHeld(this.tokens.inputEnd);
    } catch (valueError) {
      if (valueError instanceof OvirtError) return valueError;
    }
    return error;
  }

  /** The held document, checked by tokens up to its root's end, read whole. */
  #heldDocument(): unknown {
    const document = this.#readHeld(this.tokens.position);
    if (document === undefined) {
      throw unreadable("document");
    }
    return document.value;
  }

  /**
   * `readWholeDocument` of the held bytes up to `end`; an invalid value is located in the
   * whole input, of which the held bytes are only the end once the prolog was let go.
   */
  #readHeld(end: number): XmlDocument | undefined {
    const tokens = this.tokens;
    const from = tokens.heldFrom;
    const held = tokens.input.subarray(from, end);
    if (!this.#prologDropped) return readWholeDocument(held, this.#schema, this.#limits);
    try {
      return this.#elements.readDocument(held);
    } catch (error) {
      throw located(error, (offset) => tokens.inputLocation(from + offset));
    }
  }
}

/** What streaming a document that is no list fails with, where nothing says more. */
export function notAList(root: string): OvirtError {
  return new OvirtError(`Expected a list document, got <${root}>`);
}

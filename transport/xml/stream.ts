/**
 * Streaming a list document item by item.
 *
 * @module
 */

import { type BodyReader, bodyReader } from "../body.ts";
import { DocumentReader, notAList, READ_DONE, READ_ITEM } from "./document_reader.ts";
import type { XmlDocument } from "./element_reader.ts";
import { MODEL_SCHEMA } from "./schema.ts";
import type { XmlLimits } from "./tokenizer.ts";

/** What the owner of a {@link streamList} iteration hears of it. */
export interface ListWatch {
  /** Called once, when the iteration is over: ended, failed or stopped early. */
  readonly onEnd?: () => void;
  /**
   * Called with `true` when an item is handed to the loop, and with `false` when the loop
   * asks for the next one: the time between is the loop's, not the reading's.
   */
  readonly onHold?: (held: boolean) => void;
  /** The error the iteration rejects with for a failure. */
  readonly mapError?: (error: unknown) => unknown;
  /** Called with a list root's tag before its items; what it throws ends the iteration. */
  readonly checkListRoot?: (root: string) => void;
  /**
   * The error for a `<fault>` or `<action>` document sent in place of the list (read whole,
   * as it is small); without it, the document is refused as not a list.
   */
  readonly faultError?: (document: XmlDocument) => unknown;
}

/** The items of a list document, one at a time; `return()` stops early. */
export interface ListIterator extends AsyncIterableIterator<object, undefined> {
  return(value?: undefined): Promise<IteratorResult<object, undefined>>;
}

/**
 * Yields each item of a list document (`<vms>`, `<events>`, ...) read from `source` (a
 * stream, which is locked from then on, or a body's reader) as
 * soon as its element is complete, keeping no more than one finished item in memory.
 * Rejects with an `OvirtError` when the document is not a list or is malformed; stopping
 * early (`return()`, as a `break` out of `for await` does) or failing cancels the body.
 *
 * An iterator of its own rather than an async generator: an item that is already read
 * costs one resolved promise, where a generator delegating to another costs several.
 */
export function streamList(
  source: ReadableStream<Uint8Array> | BodyReader,
  limits?: XmlLimits,
  watch: ListWatch = {},
): ListIterator {
  const reader = source instanceof ReadableStream ? bodyReader(source) : source;
  return new ListItems(reader, limits, watch);
}

/** The iterator of {@link streamList}. */
class ListItems implements ListIterator {
  readonly #reader: DocumentReader;
  readonly #source: BodyReader;
  readonly #watch: ListWatch;
  #over = false;
  #held = false;

  constructor(source: BodyReader, limits: XmlLimits | undefined, watch: ListWatch) {
    this.#reader = new DocumentReader(MODEL_SCHEMA, {
      streamItems: true,
      checkListRoot: watch.checkListRoot,
      limits,
    });
    this.#source = source;
    this.#watch = watch;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<object, undefined>> {
    if (this.#over) return Promise.resolve({ done: true, value: undefined });
    if (this.#held) {
      this.#held = false;
      this.#watch.onHold?.(false);
    }
    let status;
    try {
      status = this.#reader.run();
    } catch (error) {
      return this.#fail(error);
    }
    if (status === READ_ITEM) {
      // The loop has an item to work on: what it calls meanwhile may use this request's slot.
      this.#source.idle?.();
      this.#held = true;
      this.#watch.onHold?.(true);
      return Promise.resolve({ done: false, value: this.#reader.takeItem() });
    }
    if (status === READ_DONE) {
      const document = this.#reader.document();
      if (!Array.isArray(document.value)) {
        return this.#fail(this.#watch.faultError?.(document) ?? notAList(document.root));
      }
      this.#end();
      return Promise.resolve({ done: true, value: undefined });
    }
    return this.#source.read().then((chunk) => {
      if (chunk.done) this.#reader.tokens.end();
      else this.#reader.tokens.push(chunk.value);
      return this.next();
    }, (error) => this.#fail(error));
  }

  /** Stops early: the rest of the body is cancelled. */
  async return(): Promise<IteratorResult<object, undefined>> {
    if (!this.#over) {
      this.#end();
      await this.#source.cancel().catch(() => {});
    }
    return { done: true, value: undefined };
  }

  /** Ends the iteration with `error`, the body cancelled. */
  async #fail(error: unknown): Promise<never> {
    const ended = !this.#over;
    this.#end();
    if (ended) await this.#source.cancel().catch(() => {});
    throw this.#watch.mapError ? this.#watch.mapError(error) : error;
  }

  #end(): void {
    if (this.#over) return;
    this.#over = true;
    this.#watch.onEnd?.();
  }
}

/**
 * Response bodies, which are streams for whoever holds an `HttpResponse`, but which the
 * runtime reads through one small reader: {@link watchedReader} is the only layer between
 * the transport's reader and the XML reader, {@link responseReader} hands it out without
 * making the stream in front of it, and {@link bodyReader} instead of a stream made here.
 * Deno's streams are costly to make, and each one keeps garbage alive past the next minor
 * collections: a small get() made three and spent twice the time of `fetch` in the garbage
 * collector. Also small tools: an empty body, a body of bytes, a look at whether a body is
 * empty or whole, and reading a small body whole.
 *
 * @module
 */

import type { BodyReader, HttpResponse } from "./http.ts";

export type { BodyReader };

/** What a reader made by {@link fillingReader} asks for when read without a buffer of its own. */
const PIECE = 64 * 1024;

/**
 * A reader of `stream` that fills the caller's buffers (`readInto`) when `stream` is a byte
 * stream, as `fetch` bodies are: the bytes land in memory the caller reuses, with no new
 * buffer per piece. Other streams get their default reader. Locks `stream`.
 */
export function fillingReader(stream: ReadableStream<Uint8Array>): BodyReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    return stream.getReader();
  }
  return {
    read: () => byob.read(new Uint8Array(PIECE)),
    readInto: (view) => byob.read(view),
    cancel: (reason) => byob.cancel(reason),
  };
}

/** The reader behind each stream made by {@link readBy}, until {@link bodyReader} takes it. */
const READERS = new WeakMap<ReadableStream<Uint8Array>, BodyReader>();

/**
 * A stream that reads through `reader`, for those who want a stream; {@link bodyReader}
 * gives `reader` itself instead, so that the runtime's reads skip the stream machinery.
 */
function readBy(reader: BodyReader): ReadableStream<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await reader.read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  READERS.set(stream, reader);
  return stream;
}

/**
 * The reader of `stream`, which is locked from then on: for a body made here, the reader
 * behind it (see {@link watchedReader}), else `open(stream)`, by default the stream's own reader.
 */
export function bodyReader(
  stream: ReadableStream<Uint8Array>,
  open: (stream: ReadableStream<Uint8Array>) => BodyReader = (own) => own.getReader(),
): BodyReader {
  const reader = READERS.get(stream);
  if (reader === undefined) return open(stream);
  stream.getReader(); // locks the stream (throws if it already is)
  READERS.delete(stream);
  return reader;
}

/**
 * A reader of the chunks `head`, then of what `rest` reads (nothing more when it is
 * `undefined`), which `cancel` cancels and `idle` tells that its consumer is busy.
 */
export function prefixedReader(head: readonly Uint8Array[], rest?: BodyReader): BodyReader {
  let next = 0;
  const reader: BodyReader = {
    read() {
      if (next < head.length) return Promise.resolve({ done: false, value: head[next++] });
      return rest ? rest.read() : Promise.resolve(END);
    },
    cancel: (reason) => rest ? rest.cancel(reason) : Promise.resolve(),
  };
  if (rest?.idle) reader.idle = () => rest.idle!();
  return reader;
}

/** A reader of a body with no bytes. */
export function emptyReader(): BodyReader {
  return {
    read: () => Promise.resolve({ done: true, value: undefined }),
    cancel: () => Promise.resolve(),
  };
}

/** A body made of bytes already read. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return loadedBody(() => Promise.resolve(bytes), () => Promise.resolve());
}

/**
 * A body read with the single operation `load` (such as `Response.bytes()`): one chunk,
 * then the end. `cancel` lets go of it unread.
 */
export function loadedBody(
  load: () => Promise<Uint8Array>,
  cancel: (reason: unknown) => Promise<void>,
): ReadableStream<Uint8Array> {
  return readBy(loadedReader(load, cancel));
}

/** The reader of a {@link loadedBody}, without the stream. */
export function loadedReader(
  load: () => Promise<Uint8Array>,
  cancel: (reason: unknown) => Promise<void>,
): BodyReader {
  return new LoadedReader(load, cancel);
}

/**
 * The whole body `reader` reads, with a single operation, when it is a loaded body (see
 * {@link loadedReader}), watched or not, that nothing has read yet; `undefined` otherwise.
 * It spares the read that only finds out that a loaded body has ended.
 */
export function loadWhole(reader: BodyReader): Promise<Uint8Array> | undefined {
  return wholeLoader(reader)?.();
}

/** What {@link loadWhole} would call, without calling it yet. */
function wholeLoader(reader: BodyReader): (() => Promise<Uint8Array>) | undefined {
  return reader instanceof LoadedReader || reader instanceof WatchedReader
    ? reader.wholeLoader()
    : undefined;
}

/** The result of a read at the end of a body. */
const END: ReadableStreamReadResult<Uint8Array> = { done: true, value: undefined };

/** The reader of {@link loadedReader}: a class, so that {@link loadWhole} can know it. */
class LoadedReader implements BodyReader {
  readonly #load: () => Promise<Uint8Array>;
  readonly #cancel: (reason: unknown) => Promise<void>;
  #started = false;
  #settled = false; // loaded or cancelled: nothing left to cancel

  constructor(load: () => Promise<Uint8Array>, cancel: (reason: unknown) => Promise<void>) {
    this.#load = load;
    this.#cancel = cancel;
  }

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.#started) return END;
    const value = await this.#loadOnce();
    return value.byteLength > 0 ? { done: false, value } : END;
  }

  /** See {@link loadWhole}. */
  wholeLoader(): (() => Promise<Uint8Array>) | undefined {
    return this.#started ? undefined : () => this.#loadOnce();
  }

  cancel(reason?: unknown): Promise<void> {
    if (this.#settled) return Promise.resolve();
    this.#started = this.#settled = true;
    return this.#cancel(reason);
  }

  #loadOnce(): Promise<Uint8Array> {
    this.#started = true;
    return this.#load().then((value) => {
      this.#settled = true;
      return value;
    });
  }
}

/** What {@link watchedReader} calls. */
export interface StreamWatch {
  /**
   * The call's signal: once it aborts, a pending read fails with its reason and the body is
   * cancelled, whether or not the underlying stream notices the abort itself.
   */
  readonly signal?: AbortSignal;
  /** Called once, when the body ended, failed or was cancelled. */
  readonly onDone: () => void;
  /** Lends the request's slot while the reader is idle; returns what takes it back. */
  readonly lend?: () => () => void;
  /** Turns a read failure into the error the reader gets. */
  readonly mapError: (error: unknown) => unknown;
}

/**
 * The bytes of `source` as they come, except that the body's end, failure or cancellation
 * is reported once and its failures mapped, and that the call's signal fails a pending read.
 */
export function watchedReader(source: BodyReader, watch: StreamWatch): BodyReader {
  return new WatchedReader(source, watch);
}

/** The parts of an answer but its body. */
export type ResponseHead = Omit<HttpResponse, "body">;

/**
 * An answer whose body reads through `reader`. Its stream is made the first time `body` is
 * asked for, which {@link responseReader} does not need: reading it through the runtime
 * makes no stream at all. `body` is an accessor of the answer's class, which a spread does
 * not copy: a copy of the answer names its body.
 */
export function readerResponse(head: ResponseHead, reader: BodyReader): HttpResponse {
  return new ReaderResponse(head, reader);
}

/**
 * The reader of an answer's body, which is locked from then on: without making its stream
 * for an answer made by {@link readerResponse}, else {@link bodyReader} of the stream.
 */
export function responseReader(response: HttpResponse): BodyReader {
  return response instanceof ReaderResponse ? response.takeReader() : bodyReader(response.body);
}

/**
 * The answers of {@link readerResponse}: a class, because V8 makes an object literal with a
 * getter about a hundred times slower than an instance.
 */
class ReaderResponse implements HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly #reader: BodyReader;
  #stream?: ReadableStream<Uint8Array>;
  /** Whether {@link takeReader} handed the reader out before any stream was made. */
  #taken = false;

  constructor(head: ResponseHead, reader: BodyReader) {
    this.status = head.status;
    this.statusText = head.statusText;
    this.headers = head.headers;
    this.#reader = reader;
  }

  get body(): ReadableStream<Uint8Array> {
    if (this.#stream === undefined) {
      this.#stream = readBy(this.#reader);
      if (this.#taken) bodyReader(this.#stream); // locked, as bodyReader leaves a stream
    }
    return this.#stream;
  }

  /**
   * The reader, without a stream, the first time; once a stream is made, what
   * {@link bodyReader} makes of it (its reader, or a failure when it is locked).
   */
  takeReader(): BodyReader {
    if (this.#stream !== undefined || this.#taken) return bodyReader(this.body);
    this.#taken = true;
    return this.#reader;
  }
}

/**
 * The reader of {@link watchedReader}. `fetch` bodies are meant to fail when their request's
 * signal aborts, but now and then one that has stalled keeps waiting: the abort must not
 * depend on it, so one listener per body rejects the read pending when the signal aborts.
 */
class WatchedReader implements BodyReader {
  readonly #source: BodyReader;
  readonly #watch: StreamWatch;
  readonly #onAbort?: () => void;
  /** Rejects the pending read (of a body with a signal). */
  #abortPending?: (reason: unknown) => void;
  #done = false;
  /** Takes the request's slot back, while it is lent (see {@link idle}). */
  #reclaim?: () => void;

  constructor(source: BodyReader, watch: StreamWatch) {
    this.#source = source;
    this.#watch = watch;
    const { signal } = watch;
    if (signal === undefined || signal.aborted) return;
    this.#onAbort = () => this.#abortPending?.(signal.reason);
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    return this.#watched(() => this.#source.read(), isEnd);
  }

  /** Present where the source's is. */
  get readInto(): BodyReader["readInto"] {
    const readInto = this.#source.readInto?.bind(this.#source);
    return readInto && ((view) => this.#watched(() => readInto(view), isEnd));
  }

  /** See {@link loadWhole}: the source's whole body, its end reported as a read's would be. */
  wholeLoader(): (() => Promise<Uint8Array>) | undefined {
    const load = wholeLoader(this.#source);
    return load && (() => this.#watched(load, () => true));
  }

  /**
   * What `read` gives, with the body's end (as `ended` tells), failure and abort watched. Not
   * an async function: one per read costs about twice the garbage of a promise reaction.
   */
  #watched<T>(read: () => Promise<T>, ended: (result: T) => boolean): Promise<T> {
    this.#busyAgain();
    return this.#next(read).then((result) => {
      this.#abortPending = undefined;
      if (ended(result)) this.#finish();
      return result;
    }, (error) => {
      throw this.#failed(error);
    });
  }

  /** Reports the body's end after a failed read, and the error the read rejects with. */
  #failed(error: unknown): unknown {
    this.#finish();
    const { signal } = this.#watch;
    if (signal?.aborted) this.#source.cancel(signal.reason).catch(() => {});
    return this.#watch.mapError(error);
  }

  async cancel(reason?: unknown): Promise<void> {
    this.#finish();
    await this.#source.cancel(reason);
  }

  /** Lends the request's slot until the next read (or the body's end). */
  idle(): void {
    if (!this.#done && this.#reclaim === undefined) this.#reclaim = this.#watch.lend?.();
  }

  #busyAgain(): void {
    this.#reclaim?.();
    this.#reclaim = undefined;
  }

  /**
   * What `read()` gives, or the abort reason as soon as the signal aborts; a rejection, never
   * a throw.
   */
  #next<T>(read: () => Promise<T>): Promise<T> {
    const { signal } = this.#watch;
    if (signal === undefined) return rejectingThrows(read);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      this.#abortPending = reject;
      read().then(resolve, reject);
    });
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#busyAgain(); // before the slot is given back
    if (this.#onAbort) this.#watch.signal!.removeEventListener("abort", this.#onAbort);
    this.#watch.onDone();
  }
}

/** What `start` returns, or a promise rejected with what it throws. */
function rejectingThrows<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Whether a read result is the end of the body. */
function isEnd(chunk: ReadableStreamReadResult<Uint8Array>): boolean {
  return chunk.done === true;
}

/** A body known to hold bytes, read up to its second chunk. */
export interface PeekedBody {
  /** The whole body, when it arrived in a single chunk (as short answers do). */
  readonly whole?: Uint8Array;
  /** The chunks read so far, which come before what {@link PeekedBody.reader} reads. */
  readonly head: readonly Uint8Array[];
  /** Reads the rest of the body. */
  readonly reader: BodyReader;
  /** Cancels what is left of the body. */
  discard(): Promise<void>;
}

/**
 * `undefined` when the body `reader` reads holds no bytes, else the same bytes as a
 * {@link PeekedBody}. Reads up to two chunks to find out whether the body is empty and
 * whether it is whole.
 */
export function peekBody(reader: BodyReader): Promise<PeekedBody | undefined> {
  const load = loadWhole(reader);
  return load ? load.then((bytes) => wholeBody(bytes, reader)) : peekChunks(reader);
}

/** {@link peekBody} of a body read chunk by chunk. */
async function peekChunks(reader: BodyReader): Promise<PeekedBody | undefined> {
  const head: Uint8Array[] = [];
  let ended = false;
  while (head.length < 2 && !ended) {
    const chunk = await reader.read();
    if (chunk.done) ended = true;
    else if (chunk.value.byteLength > 0) head.push(chunk.value);
  }
  if (!ended) return { head, reader, discard: () => reader.cancel().catch(() => {}) };
  return head.length === 0 ? undefined : wholeBody(head[0], reader);
}

/** A body that arrived whole as `bytes`, `undefined` when they are none. */
function wholeBody(bytes: Uint8Array, reader: BodyReader): PeekedBody | undefined {
  if (bytes.byteLength === 0) return undefined;
  return { whole: bytes, head: [bytes], reader, discard: () => Promise.resolve() };
}

/**
 * All bytes of a body that is expected to be small. Past `limit` bytes the rest is
 * cancelled and only the first `limit` bytes are returned.
 */
export async function readBytes(
  stream: ReadableStream<Uint8Array>,
  limit = 1 << 20,
): Promise<Uint8Array> {
  return await readAll(bodyReader(stream), limit);
}

/** {@link readBytes} of the body `reader` reads. */
async function readAll(reader: BodyReader, limit = 1 << 20): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const chunk = await reader.read();
    if (chunk.done) break;
    chunks.push(chunk.value);
    length += chunk.value.byteLength;
  }
  if (length >= limit) await reader.cancel();
  const bytes = concatenated(chunks);
  return bytes.byteLength > limit ? bytes.subarray(0, limit) : bytes;
}

/** The bytes of `chunks`, one after the other. */
export function concatenated(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A small body as text (UTF-8). */
export async function readText(
  stream: ReadableStream<Uint8Array>,
  limit?: number,
): Promise<string> {
  return new TextDecoder().decode(await readBytes(stream, limit));
}

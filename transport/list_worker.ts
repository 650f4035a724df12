/**
 * Long list answers received on a worker thread. Deno's `fetch` receives a body (and
 * decrypts its TLS) on the thread that reads it, so the XML reader and the transfer take
 * turns on one core. A {@link ListWorker} fetches on a thread of its own and hands each
 * piece of the body over without a copy, so the reader works while the next bytes arrive:
 * the answer is read about when its last byte is in.
 *
 * The worker is a `node:worker_threads` worker, because that kind can be told not to keep
 * the process alive (`unref`); it is kept alive (`ref`) only while this thread waits for it
 * (see {@link RequestOwner.awaited}), so that a list whose reader stopped asking for pieces
 * (a `listStream()` iterator dropped after its first item) does not keep a script alive. Its
 * code is the source text of {@link runListWorker}, so nothing is loaded from a file or a
 * URL (`deno compile` safe).
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import { CLOSED_IN_FLIGHT } from "./closing.ts";
import { OvirtError } from "./errors.ts";
import { IDLE_CONNECTION_LIMIT } from "./options.ts";
import type { BodyReader, HttpRequest, TransportResponse } from "./http.ts";
import {
  type ErrorParts,
  type FromWorker,
  runListWorker,
  type ToWorker,
  type WorkerSettings,
} from "./list_worker_code.ts";
import { markFrontRoom } from "./xml/front_room.ts";

/** Pieces the worker may post ahead of the reader. */
const CREDIT = 2;

/** Most bytes the worker joins while the reader has no credit left (then it stops reading). */
const MAX_PENDING = 4 * 1024 * 1024;

/** Free bytes in front of each piece, for the unread tail of the one before (`front_room.ts`). */
const ROOM = 32 * 1024;

/** The buffer the worker reads a body into; a read gives about one TLS record (16 KiB). */
const READ_SIZE = 64 * 1024;

/** The source the worker runs. */
const SOURCE = `(${runListWorker.toString()})();`;

/** How to make the worker's HTTP client. */
export interface ListWorkerOptions {
  /** Trusted CA certificates (PEM); Deno's default trust store when absent or empty. */
  readonly caCerts?: readonly string[];
  /** The proxy to go through, if any. */
  readonly proxy?: URL;
}

/** A thread that fetches requests and hands their bodies over piece by piece. */
export class ListWorker {
  /** The thread; `undefined` where none can be made. */
  readonly #worker?: Worker;
  readonly #requests = new Map<number, WorkerRequest>();
  /** Requests this thread waits on: their head, or a piece a read asked for. */
  #awaited = 0;
  #nextId = 1;
  #state: "starting" | "ready" | "failed" = "starting";

  /**
   * Starts the thread; it takes requests once {@link ready}. Where no thread can be made,
   * it never is.
   */
  constructor(options: ListWorkerOptions) {
    try {
      this.#worker = new Worker(SOURCE, { eval: true });
    } catch {
      this.#state = "failed";
      return;
    }
    this.#worker.unref();
    this.#worker.on("message", (message: FromWorker) => this.#receive(message));
    this.#worker.on("error", (error: unknown) => this.#fail(error));
    this.#worker.on("exit", () => this.#fail(new Error("the list worker stopped")));
    const settings: WorkerSettings = {
      kind: "settings",
      caCerts: options.caCerts ?? [],
      proxy: options.proxy?.href,
      maxPending: MAX_PENDING,
      room: ROOM,
      readSize: READ_SIZE,
      idleTimeout: IDLE_CONNECTION_LIMIT,
    };
    this.#worker.postMessage(settings);
  }

  /** Whether the thread has started and can take requests. */
  get ready(): boolean {
    return this.#state === "ready";
  }

  /**
   * Sends `request` through the thread; resolves once its head has arrived, to an answer
   * whose body must be read to the end or cancelled. Its signal aborts it.
   */
  send(request: HttpRequest): Promise<TransportResponse> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state === "failed") {
      return Promise.reject(new Error("The thread receiving list answers is not running"));
    }
    const id = this.#nextId++;
    const pending = new WorkerRequest(id, {
      forget: () => this.#requests.delete(id),
      post: (message) => this.#post(message),
      awaited: (awaited) => this.#awaitedChanged(awaited),
    });
    this.#requests.set(id, pending);
    const onAbort = () => pending.fail(signal!.reason, true);
    signal?.addEventListener("abort", onAbort, { once: true });
    pending.settled.finally(() => signal?.removeEventListener("abort", onAbort));
    this.#post({
      kind: "fetch",
      id,
      method: request.method,
      url: request.url.href,
      headers: request.headers,
      credit: CREDIT,
    });
    return pending.head;
  }

  /**
   * Stops the thread; requests in flight fail with `reason` (the thread's failure), or
   * without one because the connection was closed.
   */
  close(reason?: unknown): void {
    if (reason === undefined) {
      this.#fail(new OvirtError(CLOSED_IN_FLIGHT), false);
    } else {
      this.#fail(reason);
    }
    this.#worker?.terminate();
  }

  #receive(message: FromWorker): void {
    if (message.kind === "ready") {
      if (message.error !== undefined) this.close(errorOf(message.error));
      else if (this.#state === "starting") this.#state = "ready";
      return;
    }
    const request = this.#requests.get(message.id);
    if (request === undefined) return;
    switch (message.kind) {
      case "head":
        request.answer(message.status, message.statusText, new Headers(message.headers));
        return;
      case "bytes":
        markFrontRoom(message.bytes);
        request.add(message.bytes);
        return;
      case "end":
        request.end();
        return;
      case "failure":
        request.fail(errorOf(message.error), false);
        return;
    }
  }

  /**
   * Marks the thread unusable and fails every request in flight with `error`, said to be the
   * thread's failure unless `threadFailed` is false.
   */
  #fail(error: unknown, threadFailed = true): void {
    if (this.#state === "failed") return;
    this.#state = "failed";
    const message = error instanceof Error ? error.message : String(error);
    const reason = threadFailed
      ? new Error(`The thread receiving list answers failed: ${message}`)
      : error;
    for (const request of [...this.#requests.values()]) request.fail(reason, false);
  }

  /**
   * One request more (`awaited`) or less is waited on: the thread is kept alive from the
   * first, and let go after the last.
   */
  #awaitedChanged(awaited: boolean): void {
    if (awaited ? this.#awaited++ === 0 : --this.#awaited === 0) {
      if (awaited) this.#worker!.ref();
      else if (this.#state !== "failed") this.#worker!.unref();
    }
  }

  #post(message: ToWorker): void {
    if (this.#state !== "failed") this.#worker!.postMessage(message);
  }
}

/** What a {@link WorkerRequest} tells its {@link ListWorker}. */
interface RequestOwner {
  /** The request is over. */
  forget(): void;
  /** Posts `message` to the thread. */
  post(message: ToWorker): void;
  /**
   * This thread now waits for the request (`true`), or no longer does. It waits from the
   * start, and again whenever a read finds no piece; it stops when the request is over, or
   * when a piece comes that no read waits for: the reader stopped asking, or is busy (and
   * then the thread is not idle). Toggled only then, not for each piece a fast reader takes.
   */
  awaited(awaited: boolean): void;
}

/** One request through the thread: its head, then the reader of its body. */
class WorkerRequest implements BodyReader {
  readonly id: number;
  readonly head: Promise<TransportResponse>;
  /** Settles once the request is over: ended, failed or cancelled. */
  readonly settled: Promise<void>;
  readonly #owner: RequestOwner;
  readonly #pieces: Uint8Array[] = [];
  #answered = false;
  /** Whether the owner was told that this thread waits for the request. */
  #awaited = false;
  #ended = false;
  #failure?: { error: unknown };
  #resolveHead!: (response: TransportResponse) => void;
  #rejectHead!: (error: unknown) => void;
  #settle!: () => void;
  /** The read waiting for a piece. */
  #waiting?: {
    resolve: (chunk: ReadableStreamReadResult<Uint8Array>) => void;
    reject: (error: unknown) => void;
  };

  constructor(id: number, owner: RequestOwner) {
    this.id = id;
    this.#owner = owner;
    this.#await(true);
    this.head = new Promise((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
    this.settled = new Promise((resolve) => this.#settle = resolve);
  }

  /** The head arrived. */
  answer(status: number, statusText: string, headers: Headers): void {
    this.#answered = true;
    this.#resolveHead({ status, statusText, headers, body: this });
  }

  /** A piece of the body arrived. */
  add(bytes: Uint8Array): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#pieces.push(bytes);
      this.#await(false);
      return;
    }
    this.#waiting = undefined;
    this.#owner.post({ kind: "credit", id: this.id });
    waiting.resolve({ done: false, value: bytes });
  }

  /** The body ended. */
  end(): void {
    this.#ended = true;
    this.#over();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ done: true, value: undefined });
  }

  /**
   * The request failed with `error`. With `cancel` (an abort, a cancellation), the pieces
   * not read yet are dropped and the thread is told to stop the request.
   */
  fail(error: unknown, cancel: boolean): void {
    if (this.#ended || this.#failure) return;
    this.#failure = { error };
    if (cancel) {
      this.#pieces.length = 0;
      this.#owner.post({ kind: "cancel", id: this.id });
    }
    this.#over();
    if (!this.#answered) this.#rejectHead(error);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const piece = this.#pieces.shift();
    if (piece !== undefined) {
      this.#owner.post({ kind: "credit", id: this.id });
      return Promise.resolve({ done: false, value: piece });
    }
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    this.#await(true);
    return new Promise((resolve, reject) => this.#waiting = { resolve, reject });
  }

  cancel(reason?: unknown): Promise<void> {
    this.fail(reason ?? new Error("cancelled"), true);
    return Promise.resolve();
  }

  /** The request is over: it is forgotten, and no longer awaited. */
  #over(): void {
    this.#await(false);
    this.#owner.forget();
    this.#settle();
  }

  /** Tells the owner whether this thread waits for the request, when that changes. */
  #await(awaited: boolean): void {
    if (this.#awaited === awaited) return;
    this.#awaited = awaited;
    this.#owner.awaited(awaited);
  }
}

/** An error made again from its parts, so that it reads as the worker's did. */
function errorOf(parts: ErrorParts): Error {
  const error = new Error(
    parts.message,
    parts.cause === undefined ? undefined : { cause: errorOf(parts.cause) },
  );
  error.name = parts.name;
  if (parts.code !== undefined) Object.assign(error, { code: parts.code });
  return error;
}

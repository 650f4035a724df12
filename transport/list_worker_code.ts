/**
 * What runs inside the list worker (see `list_worker.ts`), and the messages it exchanges
 * with the thread that started it. {@link runListWorker} is started from its own source
 * text (`Function.prototype.toString`), so it uses nothing but the globals of a worker: no
 * import, no variable from around it.
 *
 * The worker fetches each request it is given and posts the answer back: first its head,
 * then its body in pieces whose buffers move to the other thread (no copy), each with room
 * in front for the reader's use (see `front_room.ts`), then its end or its failure. It
 * posts a piece only when the reader granted one ({@link CreditMessage}); meanwhile it joins
 * what arrives into one piece, and stops reading the network once
 * {@link WorkerSettings.maxPending} bytes wait. So the worker runs ahead of a slow reader
 * by a bounded amount, and a fast reader gets each piece as soon as it arrives.
 *
 * The body is read with a BYOB reader into one buffer the worker keeps, each read copied
 * after the bytes that wait: a default reader would make (and zero) a new 64 KiB buffer for
 * each read of about 16 KiB (one TLS record), which cost the worker about a third of its
 * time on a long list.
 *
 * @module
 */

/** What the worker is told first: how to make its HTTP client, and its limits. */
export interface WorkerSettings {
  readonly kind: "settings";
  /** Trusted CA certificates (PEM); Deno's default trust store when empty. */
  readonly caCerts: readonly string[];
  /** The proxy to go through, if any (else the environment decides, as for `fetch`). */
  readonly proxy?: string;
  /** Most bytes the worker holds unposted before it stops reading a body. */
  readonly maxPending: number;
  /**
   * Free bytes in front of each piece posted (see `front_room.ts`): the reader joins the
   * unread tail of the previous piece there instead of copying the piece.
   */
  readonly room: number;
  /** The size of the buffer the worker reads a body into (each read, at most that much). */
  readonly readSize: number;
  /** Milliseconds a kept-alive connection may sit unused before it is closed. */
  readonly idleTimeout: number;
}

/** Fetch a request. */
export interface FetchMessage {
  readonly kind: "fetch";
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Pieces the worker may post before it must wait for {@link CreditMessage}s. */
  readonly credit: number;
}

/** The reader took a piece: the worker may post one more of the body of request `id`. */
export interface CreditMessage {
  readonly kind: "credit";
  readonly id: number;
}

/** Forget request `id`: abort it, or cancel its body. */
export interface CancelMessage {
  readonly kind: "cancel";
  readonly id: number;
}

/** What the worker is sent. */
export type ToWorker = WorkerSettings | FetchMessage | CreditMessage | CancelMessage;

/** The worker is ready for requests, or, with `error`, cannot take any. */
export interface ReadyMessage {
  readonly kind: "ready";
  readonly error?: ErrorParts;
}

/** The head of the answer to request `id`. */
export interface HeadMessage {
  readonly kind: "head";
  readonly id: number;
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][];
}

/** A piece of the body of request `id`. */
export interface BytesMessage {
  readonly kind: "bytes";
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** The body of request `id` has ended. */
export interface EndMessage {
  readonly kind: "end";
  readonly id: number;
}

/** Request `id` failed, before or after its head. */
export interface FailureMessage {
  readonly kind: "failure";
  readonly id: number;
  readonly error: ErrorParts;
}

/** An error as it crosses threads: its name, message and `code`, and its causes in turn. */
export interface ErrorParts {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly cause?: ErrorParts;
}

/** What the worker posts. */
export type FromWorker = ReadyMessage | HeadMessage | BytesMessage | EndMessage | FailureMessage;

/** The worker's side: answers {@link ToWorker} messages until it is terminated. */
export function runListWorker(): void {
  /** The worker's global scope, as far as this function uses it. */
  interface Scope {
    onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
    postMessage(message: FromWorker, transfer?: Transferable[]): void;
  }
  /** One request in flight. */
  interface Job {
    readonly abort: AbortController;
    credit: number;
    /** The next piece: room, then the bytes received and not posted yet. */
    piece?: ArrayBuffer;
    pendingBytes: number;
    /** Wakes the body loop waiting for credit. */
    wake?: () => void;
  }

  const scope = globalThis as unknown as Scope;
  const jobs = new Map<number, Job>();
  let settings: WorkerSettings | undefined;
  let client: Deno.HttpClient | undefined;

  const partsOf = (error: unknown, depth: number): ErrorParts => {
    if (!(error instanceof Error)) return { name: "Error", message: String(error) };
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === "string" ? { code } : {}),
      ...(error.cause !== undefined && depth < 5 ? { cause: partsOf(error.cause, depth + 1) } : {}),
    };
  };

  /** Posts what waits of `job`'s body as one piece, with room in front, its buffer handed over. */
  const post = (id: number, job: Job): void => {
    const bytes = new Uint8Array(job.piece!, settings!.room, job.pendingBytes);
    job.piece = undefined;
    job.pendingBytes = 0;
    job.credit--;
    scope.postMessage({ kind: "bytes", id, bytes }, [bytes.buffer]);
  };

  /**
   * Adds `chunk` to the bytes of `job` waiting to be posted; the piece grows by doubling, up
   * to what can wait (`maxPending`, and one more read).
   */
  const append = (job: Job, chunk: Uint8Array): void => {
    const { room, maxPending, readSize } = settings!, pending = job.pendingBytes;
    const needed = room + pending + chunk.byteLength;
    if (job.piece === undefined || job.piece.byteLength < needed) {
      const doubled = Math.min(2 * (job.piece?.byteLength ?? 0), room + maxPending + readSize);
      const grown = new ArrayBuffer(pending === 0 ? needed : Math.max(needed, doubled));
      if (pending > 0) new Uint8Array(grown).set(new Uint8Array(job.piece!, room, pending), room);
      job.piece = grown;
    }
    new Uint8Array(job.piece, room + pending, chunk.byteLength).set(chunk);
    job.pendingBytes += chunk.byteLength;
  };

  /** Resolves at the next credit or cancellation of `job`. */
  const nextChange = (job: Job): Promise<void> => new Promise((resolve) => job.wake = resolve);

  const fetchOne = async (message: FetchMessage): Promise<void> => {
    const { id } = message;
    const job: Job = {
      abort: new AbortController(),
      credit: message.credit,
      pendingBytes: 0,
    };
    jobs.set(id, job);
    try {
      const response = await fetch(message.url, {
        method: message.method,
        headers: message.headers,
        client,
        redirect: "manual",
        signal: job.abort.signal,
      });
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => headers.push([name, value]));
      scope.postMessage({
        kind: "head",
        id,
        status: response.status,
        statusText: response.statusText,
        headers,
      });
      if (response.body === null) {
        scope.postMessage({ kind: "end", id });
        return;
      }
      const reader = response.body.getReader({ mode: "byob" });
      let scratch = new ArrayBuffer(settings!.readSize);
      for (;;) {
        while (job.pendingBytes >= settings!.maxPending && jobs.get(id) === job) {
          await nextChange(job);
        }
        if (jobs.get(id) !== job) {
          await reader.cancel().catch(() => {});
          return;
        }
        const chunk = await reader.read(new Uint8Array(scratch));
        if (chunk.done) break;
        scratch = chunk.value.buffer as ArrayBuffer;
        append(job, chunk.value);
        if (job.credit > 0) post(id, job);
      }
      while (job.pendingBytes > 0 && jobs.get(id) === job) await nextChange(job);
      if (jobs.get(id) === job) scope.postMessage({ kind: "end", id });
    } catch (error) {
      if (jobs.get(id) === job) {
        scope.postMessage({ kind: "failure", id, error: partsOf(error, 0) });
      }
    } finally {
      if (jobs.get(id) === job) jobs.delete(id);
    }
  };

  scope.onmessage = ({ data }) => {
    switch (data.kind) {
      case "settings":
        settings = data;
        try {
          client = Deno.createHttpClient({
            ...(data.caCerts.length > 0 ? { caCerts: [...data.caCerts] } : {}),
            ...(data.proxy ? { proxy: { url: data.proxy } } : {}),
            poolIdleTimeout: data.idleTimeout,
          });
          scope.postMessage({ kind: "ready" });
        } catch (error) {
          scope.postMessage({ kind: "ready", error: partsOf(error, 0) });
        }
        return;
      case "fetch":
        fetchOne(data);
        return;
      case "credit": {
        const job = jobs.get(data.id);
        if (job === undefined) return;
        job.credit++;
        if (job.pendingBytes > 0) post(data.id, job);
        job.wake?.();
        job.wake = undefined;
        return;
      }
      case "cancel": {
        const job = jobs.get(data.id);
        if (job === undefined) return;
        jobs.delete(data.id);
        job.abort.abort();
        job.wake?.();
        return;
      }
    }
  };
}

/**
 * Small tools for response bodies, which stay streams: an empty body, a body that reports
 * its end, a look at whether a body is empty, and reading a small body whole.
 *
 * @module
 */

/** A body with no bytes. */
export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/** A body made of bytes already read. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** What {@link watchStream} calls. */
export interface StreamWatch {
  /**
   * The call's signal: once it aborts, a pending read fails with its reason and the body is
   * cancelled, whether or not the underlying stream notices the abort itself.
   */
  readonly signal?: AbortSignal;
  /** Called once, when the body ended, failed or was cancelled. */
  readonly onDone: () => void;
  /** Turns a read failure into the error the reader gets. */
  readonly mapError: (error: unknown) => unknown;
}

/** `stream` passed through unchanged, except that its end and its failures are reported. */
export function watchStream(
  stream: ReadableStream<Uint8Array>,
  watch: StreamWatch,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    watch.onDone();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await readUntilAborted(reader, watch.signal);
        if (chunk.done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (error) {
        finish();
        controller.error(watch.mapError(error));
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * `reader.read()`, or a rejection with the reason of `signal` as soon as it aborts (the
 * reader is then cancelled). `fetch` bodies are meant to fail when their request's signal
 * aborts, but now and then one that has stalled keeps waiting: the abort must not depend
 * on it.
 */
function readUntilAborted(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal === undefined) return reader.read();
  if (signal.aborted) {
    reader.cancel(signal.reason).catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reader.cancel(signal.reason).catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    reader.read().then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", onAbort);
    });
  });
}

/** A body known to hold bytes, and the way to let go of it early. */
export interface PeekedBody {
  /** The whole body, when it arrived in a single chunk (as short answers do). */
  readonly whole?: Uint8Array;
  /** The body's bytes from the first, as a stream; call it once. */
  stream(): ReadableStream<Uint8Array>;
  /** Cancels what is left of the body, even while the stream is locked by a reader. */
  discard(): Promise<void>;
}

/**
 * `undefined` when `stream` holds no bytes, else the same bytes as a {@link PeekedBody}.
 * Reads up to two chunks to find out whether the body is empty and whether it is whole.
 */
export async function peekBody(
  stream: ReadableStream<Uint8Array>,
): Promise<PeekedBody | undefined> {
  const reader = stream.getReader();
  const pending: Uint8Array[] = [];
  let ended = false;
  while (pending.length < 2 && !ended) {
    const chunk = await reader.read();
    if (chunk.done) ended = true;
    else if (chunk.value.byteLength > 0) pending.push(chunk.value);
  }
  if (pending.length === 0) return undefined;
  const discard = () => reader.cancel().catch(() => {});
  if (ended) return { whole: pending[0], stream: () => streamOf(pending[0]), discard };
  const rest = () =>
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = pending.shift();
        if (next) return controller.enqueue(next);
        const chunk = await reader.read();
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
  return { stream: rest, discard };
}

/**
 * All bytes of a body that is expected to be small. Past `limit` bytes the rest is
 * cancelled and only the first `limit` bytes are returned.
 */
export async function readBytes(
  stream: ReadableStream<Uint8Array>,
  limit = 1 << 20,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  while (length < limit) {
    const chunk = await reader.read();
    if (chunk.done) break;
    chunks.push(chunk.value);
    length += chunk.value.byteLength;
  }
  if (length >= limit) await reader.cancel();
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
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

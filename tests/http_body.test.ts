import assert from "node:assert/strict";
import {
  type BodyReader,
  bodyReader,
  loadedBody,
  loadedReader,
  loadWhole,
  peekBody,
  readerResponse,
  responseReader,
  streamOf,
  type StreamWatch,
  watchedReader,
} from "../transport/body.ts";

const HEAD = { status: 200, statusText: "OK", headers: new Headers() };

/** The body stream the holder of an answer gets, read through `source` as `watch` says. */
function watchBody(source: BodyReader, watch: StreamWatch): ReadableStream<Uint8Array> {
  return readerResponse(HEAD, watchedReader(source, watch)).body;
}

/** A body that sends one chunk and then neither ends nor notices any abort. */
function stalledStream(cancelled: unknown[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array([60, 97]));
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
}

/** `promise`, or a failure after `ms` milliseconds (so that a hang fails the test instead). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

Deno.test("body: a read pending on a stalled body fails as soon as the call's signal aborts", async () => {
  const cancelled: unknown[] = [];
  let done = 0;
  const controller = new AbortController();
  const body = watchBody(bodyReader(stalledStream(cancelled)), {
    signal: controller.signal,
    onDone: () => done++,
    mapError: (error) => new Error("mapped", { cause: error }),
  });
  const reader = body.getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([60, 97]));
  const pending = reader.read();
  const reason = new Error("time is up");
  controller.abort(reason);
  await assert.rejects(within(pending, 2000), (error: Error) => {
    assert.equal(error.message, "mapped");
    assert.equal(error.cause, reason);
    return true;
  });
  assert.equal(done, 1);
  assert.deepEqual(cancelled, [reason]);
});

Deno.test("body: a signal aborted before the read fails it at once", async () => {
  const cancelled: unknown[] = [];
  const controller = new AbortController();
  const reason = new Error("aborted early");
  controller.abort(reason);
  const body = watchBody(bodyReader(stalledStream(cancelled)), {
    signal: controller.signal,
    onDone: () => {},
    mapError: (error) => error,
  });
  await assert.rejects(within(body.getReader().read(), 2000), (error) => error === reason);
  assert.deepEqual(cancelled, [reason]);
});

/** A body of `chunks`, counting the reads made of it. */
function countedStream(chunks: Uint8Array[], reads: { count: number }): ReadableStream {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      reads.count++;
      if (next < chunks.length) controller.enqueue(chunks[next++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

Deno.test("body: the runtime reads a watched body through its one reader, chunk for chunk", async () => {
  const chunks = [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array([4])];
  const reads = { count: 0 };
  let done = 0;
  const body = watchBody(bodyReader(countedStream(chunks, reads)), {
    onDone: () => done++,
    mapError: (error) => error,
  });
  const reader = bodyReader(body);
  assert.equal(body.locked, true, "the stream in front of the reader is locked");
  const seen: Uint8Array[] = [];
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    seen.push(chunk.value);
  }
  assert.equal(seen.length, 3);
  seen.forEach((chunk, i) => assert.equal(chunk, chunks[i], "the transport's own chunks"));
  assert.equal(reads.count, 4, "one read of the source per read of the body");
  assert.equal(done, 1);
  await reader.cancel();
  assert.equal(done, 1, "done is reported once");
});

Deno.test("body: cancelling the stream its holder got reports done once and cancels the source", async () => {
  const cancelled: unknown[] = [];
  let done = 0;
  const body = watchBody(bodyReader(stalledStream(cancelled)), {
    onDone: () => done++,
    mapError: (error) => error,
  });
  const reader = body.getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([60, 97]));
  await reader.cancel("enough");
  assert.equal(done, 1);
  assert.deepEqual(cancelled, ["enough"]);
});

Deno.test("body: a failing read is mapped, and the body reported done once", async () => {
  let done = 0;
  const failing = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.error(new Error("reset")),
  });
  const reader = bodyReader(
    watchBody(bodyReader(failing), {
      onDone: () => done++,
      mapError: (error) => new Error("mapped", { cause: error }),
    }),
  );
  await assert.rejects(reader.read(), (error: Error) => error.message === "mapped");
  await assert.rejects(reader.read(), (error: Error) => error.message === "mapped");
  assert.equal(done, 1);
});

Deno.test("body: a short body is one chunk, whole; a longer one is read on after its head", async () => {
  let loads = 0;
  const short = loadedBody(() => {
    loads++;
    return Promise.resolve(new Uint8Array([60, 118, 47, 62]));
  }, () => Promise.resolve());
  const whole = await peekBody(bodyReader(short));
  assert.deepEqual(whole?.whole, new Uint8Array([60, 118, 47, 62]));
  assert.equal(loads, 1);
  assert.equal(await peekBody(bodyReader(streamOf(new Uint8Array()))), undefined);

  const reads = { count: 0 };
  const parts = [[1], [2], [3]].map((bytes) => new Uint8Array(bytes));
  const peeked = await peekBody(bodyReader(countedStream(parts, reads)));
  assert.equal(peeked?.whole, undefined);
  assert.deepEqual(peeked?.head, parts.slice(0, 2));
  assert.equal((await peeked!.reader.read()).value, parts[2]);
  assert.equal((await peeked!.reader.read()).done, true);
});

Deno.test("body: a watched short body is loaded whole, its end reported without a second read", async () => {
  let loads = 0;
  let done = 0;
  const source = loadedReader(() => {
    loads++;
    return Promise.resolve(new Uint8Array([1, 2]));
  }, () => Promise.reject(new Error("a loaded body is not cancelled")));
  const watched = watchedReader(source, { onDone: () => done++, mapError: (error) => error });
  const peeked = await peekBody(watched);
  assert.deepEqual(peeked?.whole, new Uint8Array([1, 2]));
  assert.equal(loads, 1);
  assert.equal(done, 1, "the end is reported (the slot given back) with the bytes");
  assert.equal((await watched.read()).done, true, "nothing is left to read");
  await watched.cancel();
  assert.equal(done, 1);
});

Deno.test("body: a whole load that fails, or whose signal aborted, is watched as a read", async () => {
  let done = 0;
  const watch = {
    onDone: () => done++,
    mapError: (error: unknown) => new Error("mapped", { cause: error }),
  };
  const failing = loadedReader(() => Promise.reject(new Error("reset")), () => Promise.resolve());
  await assert.rejects(peekBody(watchedReader(failing, watch)), /mapped/);
  assert.equal(done, 1);

  let loads = 0;
  const cancels: unknown[] = [];
  const aborted = loadedReader(() => {
    loads++;
    return Promise.resolve(new Uint8Array([1]));
  }, (reason) => {
    cancels.push(reason);
    return Promise.resolve();
  });
  const signal = AbortSignal.abort(new Error("stop"));
  const reader = watchedReader(aborted, { ...watch, signal });
  await assert.rejects(
    peekBody(reader),
    (error: Error) => (error.cause as Error).message === "stop",
  );
  assert.equal(loads, 0, "an aborted call loads nothing");
  assert.equal(done, 2);
  await Promise.resolve();
  assert.deepEqual(cancels.map((reason) => (reason as Error).message), ["stop"]);
});

Deno.test("body: only a loaded body nothing has read yet is loaded whole", async () => {
  const reader = loadedReader(() => Promise.resolve(new Uint8Array([1])), () => Promise.resolve());
  assert.equal((await reader.read()).value?.[0], 1);
  assert.equal(loadWhole(reader), undefined, "already read");
  const stream = countedStream([new Uint8Array([1])], { count: 0 });
  assert.equal(loadWhole(bodyReader(stream)), undefined, "a stream's own reader");
  const fresh = loadedReader(() => Promise.resolve(new Uint8Array([2])), () => Promise.resolve());
  assert.deepEqual(await loadWhole(fresh), new Uint8Array([2]));
  assert.equal((await fresh.read()).done, true);
});

Deno.test("body: a short body read whole is not cancelled afterwards; one unread is", async () => {
  const cancels: unknown[] = [];
  const body = () =>
    loadedBody(() => Promise.resolve(new Uint8Array([1])), (reason) => {
      cancels.push(reason);
      return Promise.resolve();
    });
  const peeked = await peekBody(bodyReader(body()));
  await peeked!.discard();
  assert.deepEqual(cancels, [], "nothing left to cancel");
  await body().cancel("unread");
  assert.deepEqual(cancels, ["unread"]);
});

Deno.test("body: the runtime reads an answer through its reader, with no stream made", async () => {
  const chunks = [new Uint8Array([1]), new Uint8Array([2])];
  const reads = { count: 0 };
  const source = bodyReader(countedStream(chunks, reads));
  const response = readerResponse(HEAD, source);
  const reader = responseReader(response);
  assert.equal(reader, source, "the reader itself, not one of a stream in front of it");
  assert.equal((await reader.read()).value, chunks[0]);
  assert.equal(response.body.locked, true, "a stream asked for afterwards is locked");
  assert.throws(() => responseReader(response), TypeError);
  assert.equal((await reader.read()).value, chunks[1]);
});

Deno.test("body: an answer whose stream was asked for is read through that stream's reader", () => {
  const source = bodyReader(streamOf(new Uint8Array([7])));
  const response = readerResponse(HEAD, source);
  const stream = response.body;
  assert.equal(response.body, stream, "one stream, made once");
  assert.equal(stream.locked, false);
  assert.equal(responseReader(response), source);
  assert.equal(stream.locked, true);
  assert.throws(() => responseReader(response), TypeError);
});

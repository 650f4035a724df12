import assert from "node:assert/strict";
import { watchStream } from "../transport/body.ts";

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
  const body = watchStream(stalledStream(cancelled), {
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
  const body = watchStream(stalledStream(cancelled), {
    signal: controller.signal,
    onDone: () => {},
    mapError: (error) => error,
  });
  await assert.rejects(within(body.getReader().read(), 2000), (error) => error === reason);
  assert.deepEqual(cancelled, [reason]);
});

/**
 * Waiting that an AbortSignal cuts short, shared by the polling and transfer helpers: a
 * timer, and a promise given up at the abort.
 *
 * @module
 */

import { MAX_MILLISECONDS } from "../transport/options.ts";

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts (it never rejects). A wait
 * longer than one timer can hold ({@link MAX_MILLISECONDS}, about 24.8 days: beyond it
 * `setTimeout` fires at once) is made of several timers; `Infinity` waits for the signal alone.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const end = performance.now() + ms;
    let timer = setTimeout(tick, Math.min(ms, MAX_MILLISECONDS));
    function tick() {
      const left = end - performance.now();
      if (left > 0) timer = setTimeout(tick, Math.min(left, MAX_MILLISECONDS));
      else done();
    }
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts; what
 * `promise` does afterwards is ignored (it is still awaited by whoever holds it).
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const aborted = () => reject(signal.reason);
    if (signal.aborted) aborted();
    else signal.addEventListener("abort", aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", aborted));
  });
}

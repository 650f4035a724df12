/**
 * Waiting that an AbortSignal cuts short, shared by the polling and transfer helpers: a
 * timer, and a promise given up at the abort.
 *
 * @module
 */

import { TimeoutError } from "../transport/errors.ts";
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

/**
 * Runs `task` with a signal that aborts when `signal` does or after `ms` milliseconds, and
 * settles then at the latest, whether or not `task` heeds the signal: rejecting with the
 * signal's reason, or with a {@link TimeoutError} saying that `what` took longer than `ms`.
 */
export async function within<T>(
  ms: number,
  signal: AbortSignal | undefined,
  what: string,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = new AbortController(), finished = new AbortController();
  delay(ms, finished.signal).then(() => {
    if (!finished.signal.aborted) {
      limit.abort(new TimeoutError(`${what} took longer than ${ms} ms`));
    }
  });
  const both = signal ? AbortSignal.any([signal, limit.signal]) : limit.signal;
  try {
    both.throwIfAborted();
    return await untilAborted(task(both), both);
  } finally {
    finished.abort();
  }
}

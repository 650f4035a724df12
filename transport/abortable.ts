/**
 * Waiting for a promise that cannot itself be cancelled, until a signal says to stop.
 *
 * @module
 */

/**
 * What `promise` settles to, or a rejection with `signal`'s reason as soon as it aborts
 * (at once when it already has; `promise` goes on, nobody waiting for it).
 *
 * @example
 * ```ts
 * const line = await untilAborted(Deno.stdin.read(buffer), signal);
 * ```
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * A timer that an AbortSignal cuts short, shared by the polling helpers.
 *
 * @module
 */

/** Resolves after `ms` milliseconds, or as soon as `signal` aborts (it never rejects). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

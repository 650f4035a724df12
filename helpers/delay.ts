/**
 * A timer that an AbortSignal cuts short, shared by the polling helpers.
 *
 * @module
 */

/** The longest a single timer may wait: beyond it, `setTimeout` fires at once. */
const LONGEST_TIMER = 2 ** 31 - 1;

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts (it never rejects). A wait
 * longer than a timer can hold (about 24.8 days) is made of several timers; `Infinity` waits
 * for the signal alone.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const end = performance.now() + ms;
    let timer = setTimeout(tick, Math.min(ms, LONGEST_TIMER));
    function tick() {
      const left = end - performance.now();
      if (left > 0) timer = setTimeout(tick, Math.min(left, LONGEST_TIMER));
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

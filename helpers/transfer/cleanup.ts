/**
 * How long the clean-up after a failed or aborted transfer may take: after an abort, 10 s
 * in all from the abort (or `phaseTimeout`, if shorter), so that a stopped program ends
 * soon; after a failure, `phaseTimeout` for each step (a disk may stay locked a while).
 *
 * @module
 */

import { TimeoutError } from "../../transport/errors.ts";
import { untilAborted } from "../delay.ts";

/** What the cleanup time depends on: the options of a transfer helper. */
export interface CleanupOptions {
  /** The call's signal. */
  signal?: AbortSignal;
  /** Milliseconds to wait for each phase change (default 300000). */
  phaseTimeout?: number;
}

/** The longest clean-up after an abort, in milliseconds. */
const CLEANUP_TIME = 10_000;

/**
 * Longest time spent cleaning up after a failure or an abort (waiting for the answer of an
 * add, looking for what it made, cancelling the transfer, removing a new disk), in
 * milliseconds: 10 s, or the `phaseTimeout` if shorter.
 */
export function cleanupTime(options: CleanupOptions): number {
  return Math.min(CLEANUP_TIME, options.phaseTimeout ?? CLEANUP_TIME);
}

/**
 * The time left for cleaning up, from the start of a call (`using budget = new
 * CleanupBudget(options)`): it notes when the call's signal aborts, and each step of the
 * clean-up ends at {@link cleanupTime} after the abort, or, without one, after
 * `phaseTimeout` (cut short by an abort that comes meanwhile).
 */
export class CleanupBudget implements Disposable {
  readonly #options: CleanupOptions;
  #abortedAt?: number;
  readonly #noteAbort = () => this.#abortedAt = performance.now();

  /** Starts noting when `options.signal` aborts. */
  constructor(options: CleanupOptions) {
    this.#options = options;
    if (options.signal?.aborted) this.#noteAbort();
    else options.signal?.addEventListener("abort", this.#noteAbort, { once: true });
  }

  /** Milliseconds the clean-up may still take; a step `quick` takes {@link cleanupTime} at most. */
  #left(quick: boolean): number {
    const patience = quick ? cleanupTime(this.#options) : this.#options.phaseTimeout ?? 300_000;
    if (this.#abortedAt === undefined) return patience;
    return Math.max(0, this.#abortedAt + cleanupTime(this.#options) - performance.now());
  }

  /**
   * Runs the clean-up step `task` with a signal that aborts when the time left is up (for a
   * `quick` step, {@link cleanupTime} at most even without an abort), and settles then at the
   * latest, rejecting with a {@link TimeoutError} saying that `what` took too long.
   */
  async run<T>(
    what: string,
    task: (signal: AbortSignal) => Promise<T>,
    quick = false,
  ): Promise<T> {
    if (this.#left(quick) <= 0) throw new TimeoutError(`No time was left for ${what}`);
    const stop = new AbortController();
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const spent = Math.round(performance.now() - started);
        stop.abort(new TimeoutError(`${what} took longer than the ${spent} ms left for it`));
      }, this.#left(quick));
    };
    arm();
    const signal = this.#options.signal;
    // An abort during a step after a failure shortens what is left.
    signal?.addEventListener("abort", arm, { once: true });
    try {
      stop.signal.throwIfAborted();
      return await untilAborted(task(stop.signal), stop.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", arm);
    }
  }

  /** Stops noting the abort. */
  [Symbol.dispose](): void {
    this.#options.signal?.removeEventListener("abort", this.#noteAbort);
  }
}

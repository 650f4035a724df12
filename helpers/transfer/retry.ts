/**
 * Sending a piece of a transfer again when the network failed under it: writing the same
 * bytes at the same offset, zeroing the same range or reading it again is harmless, so a
 * cut connection or a timed-out request costs one piece, not the whole transfer. Answers
 * of the server (403 for a ticket that is gone, 416, 500...) are not retried.
 *
 * @module
 */

import { ConnectionError, TimeoutError } from "../../transport/errors.ts";
import { delay } from "../delay.ts";

/** Default attempts after the first for one piece. */
export const DEFAULT_RETRIES = 3;

/**
 * Runs `work`, and again up to `retries` times (after 0.1 s, 0.2 s, 0.4 s...) while it
 * fails with a {@link ConnectionError} or {@link TimeoutError}; stops at once if `signal`
 * aborts.
 */
export async function withRetries<T>(
  work: () => Promise<T>,
  retries: number,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await work();
    } catch (error) {
      const transient = error instanceof ConnectionError || error instanceof TimeoutError;
      if (!transient || attempt >= retries || signal?.aborted) throw error;
      await delay(100 * 2 ** attempt, signal);
      if (signal?.aborted) throw signal.reason;
    }
  }
}

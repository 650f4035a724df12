/**
 * A limit on how long an image server's data answer may stay silent once its headers are in:
 * the connection's `timeout` lets go of a request then, and imageio holds a ticket with a
 * request in progress for active, so a body that stops half-way (a storage read hung behind
 * the daemon, a host gone without a reset) would hold the download, and the transfer's
 * ticket, for ever. Each read of such a body must bring something in time; the watches of
 * one client also tell the keep-alive when an answer being read has gone silent, so that it
 * does not keep the ticket alive for a request that makes no progress.
 *
 * @module
 */

import { TimeoutError } from "../../transport/errors.ts";

/** Default milliseconds a data answer may go without a byte before it is cut. */
export const DEFAULT_SILENCE = 30_000;

/** The data answers of one client being read, and when one of them last brought a byte. */
export class Silences {
  #open = 0;
  #heard = performance.now();

  /**
   * Starts watching one answer (`what`, e.g. `GET bytes=0-99 on ORIGIN`): each read must
   * bring something within `limit` milliseconds. Dispose of the watch once the body is read
   * or cancelled.
   */
  watch(limit: number, what: string): AnswerWatch {
    this.#open++;
    this.#heard = performance.now();
    return new AnswerWatch(limit, what, () => this.#heard = performance.now(), () => this.#open--);
  }

  /** Whether an answer is being read and none brought a byte for `ms` milliseconds. */
  silentFor(ms: number): boolean {
    return this.#open > 0 && performance.now() - this.#heard >= ms;
  }
}

/** The watch over the reads of one data answer (see {@link Silences.watch}). */
export class AnswerWatch implements Disposable {
  readonly #limit: number;
  readonly #what: string;
  readonly #heard: () => void;
  #close?: () => void;

  /** A watch of `what` whose reads `limit` bounds, telling `heard` and, once over, `close`. */
  constructor(limit: number, what: string, heard: () => void, close: () => void) {
    this.#limit = limit;
    this.#what = what;
    this.#heard = heard;
    this.#close = close;
  }

  /**
   * `read`'s result, or a {@link TimeoutError} saying the image host stopped sending when it
   * brings nothing within the limit (the caller then cancels the body, which ends `read`).
   */
  async read<T>(read: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new TimeoutError(
            `The image host stopped sending: nothing of ${this.#what} came for ${this.#limit} ms`,
          ),
        );
      }, this.#limit);
    });
    try {
      const result = await Promise.race([read, silent]);
      this.#heard();
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops counting this answer as being read. */
  [Symbol.dispose](): void {
    this.#close?.();
    this.#close = undefined;
  }
}

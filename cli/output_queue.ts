/**
 * Standard output and standard error of an `ovirt` run, written in the order the command
 * wrote them, one write after the other, but without blocking: while a reader stalls (a
 * paused pager, `| slow-consumer`, a stalled `ssh host 'cat > f'`), the event loop stays free,
 * so that Ctrl-C, SIGTERM, SIGHUP and the clean-up limit still act on the run.
 *
 * @module
 */

import { untilAborted } from "../transport/abortable.ts";
import { OutputClosedError } from "./errors.ts";

/** The writes of one run, queued in order. */
export class OutputQueue {
  #tail: Promise<void> = Promise.resolve();
  #outFailure?: unknown;
  #errClosed = false;

  /** Whether a write to standard error failed (its reader has gone): the rest are dropped. */
  get errClosed(): boolean {
    return this.#errClosed;
  }

  /**
   * Throws why standard output cannot be written any more, if an earlier write failed: an
   * {@link OutputClosedError} once its reader has gone, else the write's error.
   */
  checkOut(): void {
    if (this.#outFailure !== undefined) throw this.#outFailure;
  }

  /** Queues `bytes` for standard output; dropped once a write to it has failed. */
  out(bytes: Uint8Array): void {
    this.#queue(async () => {
      if (this.#outFailure !== undefined) return;
      try {
        await writeAll(Deno.stdout, bytes);
      } catch (error) {
        this.#outFailure = error instanceof Deno.errors.BrokenPipe
          ? new OutputClosedError()
          : error;
      }
    });
  }

  /** Queues `bytes` for standard error; dropped once a write to it has failed. */
  err(bytes: Uint8Array): void {
    this.#queue(async () => {
      if (this.#errClosed) return;
      try {
        await writeAll(Deno.stderr, bytes);
      } catch {
        this.#errClosed = true; // messages are never worth failing for
      }
    });
  }

  /**
   * Resolves once everything queued is written, then throws as {@link checkOut} does;
   * rejects with `signal`'s reason as soon as it aborts, leaving a stalled write behind.
   */
  async flush(signal?: AbortSignal): Promise<void> {
    await untilAborted(this.#tail, signal);
    this.checkOut();
  }

  #queue(write: () => Promise<void>): void {
    this.#tail = this.#tail.then(write);
  }
}

/** Writes all of `bytes` (a pipe may take part of them at a time). */
async function writeAll(
  sink: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  while (bytes.byteLength > 0) bytes = bytes.subarray(await sink.write(bytes));
}

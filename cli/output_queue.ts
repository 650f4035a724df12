/**
 * Standard output and standard error of an `ovirt` run, written in the order the command
 * wrote them, one write after the other, but without blocking: while a reader stalls (a
 * paused pager, `| slow-consumer`, a stalled `ssh host 'cat > f'`), the event loop stays free,
 * so that Ctrl-C, SIGTERM, SIGHUP and the clean-up limit still act on the run. Output queued
 * behind a write still under way goes out in one write with it; a command that writes much
 * (a long list) waits for {@link OutputQueue.room} so that what waits stays small.
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
  /** Bytes of standard output queued and not yet written (or dropped). */
  #outQueued = 0;
  /** The pieces of the standard output write queued last, while it has not begun. */
  #gathering?: Uint8Array[];

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

  /**
   * Queues `bytes` for standard output, in the same write as what was queued just before it
   * if that has not begun; dropped once a write to it has failed.
   */
  out(bytes: Uint8Array): void {
    this.#outQueued += bytes.byteLength;
    if (this.#gathering) {
      this.#gathering.push(bytes);
      return;
    }
    const pieces = [bytes];
    this.#gathering = pieces;
    this.#queue(async () => {
      if (this.#gathering === pieces) this.#gathering = undefined;
      const joined = join(pieces);
      try {
        if (this.#outFailure === undefined) await writeAll(Deno.stdout, joined);
      } catch (error) {
        this.#outFailure = error instanceof Deno.errors.BrokenPipe
          ? new OutputClosedError()
          : error;
      } finally {
        this.#outQueued -= joined.byteLength;
      }
    });
  }

  /** Queues `bytes` for standard error; dropped once a write to it has failed. */
  err(bytes: Uint8Array): void {
    this.#gathering = undefined; // output queued after this goes after it
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
   * Resolves at once while at most `limit` bytes of standard output wait to be written, else
   * once everything queued is written; then throws as {@link checkOut} does. Rejects with
   * `signal`'s reason as soon as it aborts, leaving a stalled write behind.
   */
  async room(limit: number, signal?: AbortSignal): Promise<void> {
    if (this.#outQueued > limit) await untilAborted(this.#tail, signal);
    this.checkOut();
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

/** `pieces` as one array (the piece itself when there is one). */
function join(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const joined = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.byteLength, 0));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.byteLength;
  }
  return joined;
}

/** Writes all of `bytes` (a pipe may take part of them at a time). */
async function writeAll(
  sink: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  while (bytes.byteLength > 0) bytes = bytes.subarray(await sink.write(bytes));
}

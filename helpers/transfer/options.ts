/**
 * The options every transfer helper takes, and how they are checked.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
import { MAX_MILLISECONDS } from "../../transport/options.ts";
import type { ImageTransfer } from "../../types/image_transfer.ts";
import type { TransferProgress } from "./progress.ts";
import { DEFAULT_RETRIES } from "./retry.ts";
import type { SessionOptions } from "./session.ts";

/** Options of the image transfer helpers ({@link SessionOptions} plus how bytes move). */
export interface ImageTransferOptions extends SessionOptions {
  /**
   * Bytes each connection takes at a time (default 8 MiB): an upload sends the data in `PUT`s
   * of at most 2 MiB, reading a file 2 MiB at a time and a stream a chunk at a time (one
   * buffer of this size per connection); `downloadImage` asks for at least this many per
   * `GET` (the data shared among the connections, up to 128 MiB: answers are written as
   * they arrive, so a range costs no memory), `downloadDisk` for this many.
   */
  chunkSize?: number;
  /** Connections moving bytes at once (default 4; capped by what the image server allows). */
  connections?: number;
  /**
   * How many times one piece (a chunk, a zeroed range) is sent again after the network
   * failed under it (default 3); answers of the server are never retried.
   */
  retries?: number;
  /** Called as bytes are done. */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * Called with the transfer the engine answered to its creation (and its id) before any byte
   * moves, e.g. to note the id for a clean-up should the script be killed; a promise it returns
   * is awaited. One that throws (or rejects) fails the call with its error, the transfer
   * cancelled (and `uploadImage`'s disk removed). Also called when the engine answers an `add`
   * the call's abort did not cut off, before the transfer is cancelled, without waiting for it
   * (the call then rejects with the abort's reason, whatever it throws).
   */
  onTransfer?: (transfer: ImageTransfer) => void | Promise<void>;
}

/** Default bytes per request. */
export const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** Default connections at once. */
export const DEFAULT_CONNECTIONS = 4;

/** How bytes move: sizes and counts asked for (checked), and the signal that stops them. */
export interface MovingOptions {
  /** Bytes per request. */
  chunkSize: number;
  /** Connections at once. */
  connections: number;
  /** Attempts after the first for one piece. */
  retries: number;
  /** Stops the transfer. */
  signal?: AbortSignal;
}

/** The times of {@link SessionOptions}, and the least each may be. */
const SESSION_TIMES = [
  ["pollInterval", 0],
  ["phaseTimeout", 0],
  ["probeTimeout", 0],
  ["keepAliveInterval", 1],
] as const;

/**
 * The chunk size, connection count and retries asked for, checked; the session's times are
 * checked too (a timer fires at once for a time it cannot hold).
 */
export function movingOptions(options: ImageTransferOptions): MovingOptions {
  for (const [option, least] of SESSION_TIMES) {
    const value = options[option];
    if (
      value !== undefined &&
      (typeof value !== "number" || !(value >= least && value <= MAX_MILLISECONDS))
    ) {
      throw new OvirtError(
        `${option} must be a number of milliseconds from ${least} to ${MAX_MILLISECONDS}, ` +
          `not ${typeof value === "number" ? value : JSON.stringify(value)}`,
      );
    }
  }
  const {
    chunkSize = DEFAULT_CHUNK,
    connections = DEFAULT_CONNECTIONS,
    retries = DEFAULT_RETRIES,
  } = options;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new OvirtError(`chunkSize must be a positive integer, not ${chunkSize}`);
  }
  if (!Number.isSafeInteger(connections) || connections < 1) {
    throw new OvirtError(`connections must be a positive integer, not ${connections}`);
  }
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new OvirtError(`retries must be a non-negative integer, not ${retries}`);
  }
  return { chunkSize, connections, retries, signal: options.signal };
}

/**
 * The options every transfer helper takes, and how they are checked.
 *
 * @module
 */

import { OvirtError } from "../../transport/errors.ts";
import type { TransferProgress } from "./progress.ts";
import type { SessionOptions } from "./session.ts";

/** Options of the image transfer helpers ({@link SessionOptions} plus how bytes move). */
export interface ImageTransferOptions extends SessionOptions {
  /** Bytes per request (default 8 MiB); each connection holds one buffer of this size. */
  chunkSize?: number;
  /** Connections moving bytes at once (default 4; capped by what the image server allows). */
  connections?: number;
  /** Called as bytes are done. */
  onProgress?: (progress: TransferProgress) => void;
}

/** Default bytes per request. */
export const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** Default connections at once. */
export const DEFAULT_CONNECTIONS = 4;

/** The chunk size and connection count asked for, checked. */
export function movingOptions(
  options: ImageTransferOptions,
): { chunkSize: number; connections: number } {
  const { chunkSize = DEFAULT_CHUNK, connections = DEFAULT_CONNECTIONS } = options;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new OvirtError(`chunkSize must be a positive integer, not ${chunkSize}`);
  }
  if (!Number.isSafeInteger(connections) || connections < 1) {
    throw new OvirtError(`connections must be a positive integer, not ${connections}`);
  }
  return { chunkSize, connections };
}

/**
 * Disk upload and download through an image transfer: create the transfer, wait for
 * it to be ready, move the bytes in ranges, finalize, and cancel on any failure.
 *
 * @example
 * ```ts
 * import { Connection, uploadDisk } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const file = await Deno.open("disk.raw");
 * const { size } = await file.stat();
 * await uploadDisk(connection, "disk-id", file.readable, size, {
 *   onProgress: ({ transferred, total }) => console.log(`${transferred}/${total}`),
 * });
 * ```
 *
 * @module
 */

import type { Connection, TransferResponse } from "../transport/connection.ts";
import { OvirtError } from "../transport/errors.ts";
import type { ImageTransfer } from "../types/image_transfer.ts";
import { ImageTransferDirection } from "../types/image_transfer_direction.ts";
import type { DiskFormat } from "../types/disk_format.ts";
import { ImageTransferPhase } from "../types/image_transfer_phase.ts";
import { waitFor } from "./wait.ts";

/** How far a transfer has come. */
export interface TransferProgress {
  /** Bytes moved so far. */
  transferred: number;
  /** Bytes in all (for a download: as soon as the server told). */
  total: number;
}

/** Options of {@link uploadDisk} and {@link downloadDisk}. */
export interface ImageTransferOptions {
  /** Bytes per request (default 8 MiB); also the most held in memory at once. */
  chunkSize?: number;
  /** Called after each chunk. */
  onProgress?: (progress: TransferProgress) => void;
  /** Aborts the transfer (which is then cancelled on the engine). */
  signal?: AbortSignal;
  /** Milliseconds between polls of the transfer's phase (default 1000). */
  pollInterval?: number;
  /** Milliseconds to wait for each phase change (default 300000). */
  phaseTimeout?: number;
  /** Format of the bytes sent or wanted (default: the disk's own). */
  format?: DiskFormat;
  /**
   * More members of the transfer to create, e.g. `{ snapshot: { id } }` to download a disk
   * snapshot, `{ backup: { id } }` for a disk of a backup, `{ host: { id } }`, `{ shallow: true }`.
   */
  transfer?: Omit<ImageTransfer, "disk" | "direction" | "format">;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;

/**
 * Uploads `size` bytes from `source` into the disk `diskId` and resolves to the finished
 * transfer. On any failure the transfer is cancelled and the error rethrown.
 */
export async function uploadDisk(
  connection: Connection,
  diskId: string,
  source: ReadableStream<Uint8Array> | Uint8Array,
  size: number,
  options: ImageTransferOptions = {},
): Promise<ImageTransfer> {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new OvirtError(`uploadDisk: size must be a non-negative integer, not ${size}`);
  }
  const chunkSize = checkedChunkSize(options.chunkSize);
  return await transfer(connection, diskId, ImageTransferDirection.UPLOAD, options, async (url) => {
    let offset = 0;
    for await (const chunk of chunks(toStream(source), chunkSize)) {
      if (offset + chunk.byteLength > size) {
        throw new OvirtError(`uploadDisk: the source has more than the ${size} bytes announced`);
      }
      const end = offset + chunk.byteLength - 1;
      const response = await connection.transferRequest({
        method: "PUT",
        url,
        headers: {
          "Content-Range": `bytes ${offset}-${end}/${size}`,
          "Content-Type": "application/octet-stream",
        },
        body: chunk,
        signal: options.signal,
      });
      await expectSuccess(response, `PUT bytes ${offset}-${end}`);
      await drain(response.body); // frees the request's slot and keeps the connection reusable
      offset += chunk.byteLength;
      options.onProgress?.({ transferred: offset, total: size });
    }
    if (offset !== size) {
      throw new OvirtError(`uploadDisk: the source ended after ${offset} of ${size} bytes`);
    }
  });
}

/**
 * Downloads the disk `diskId` into `destination` (which is closed at the end) and
 * resolves to the number of bytes written. On any failure the transfer is cancelled,
 * `destination` aborted and the error rethrown.
 */
export async function downloadDisk(
  connection: Connection,
  diskId: string,
  destination: WritableStream<Uint8Array>,
  options: ImageTransferOptions = {},
): Promise<number> {
  const chunkSize = checkedChunkSize(options.chunkSize);
  const writer = destination.getWriter();
  let written = 0;
  try {
    await transfer(connection, diskId, ImageTransferDirection.DOWNLOAD, options, async (url) => {
      let total = Infinity;
      while (written < total) {
        const end = written + chunkSize - 1;
        const response = await connection.transferRequest({
          method: "GET",
          url,
          headers: { Range: `bytes=${written}-${end}` },
          signal: options.signal,
        });
        if (response.status === 416 && written > 0) {
          await response.body.cancel();
          break; // asked past the end of an image of unannounced size
        }
        await expectSuccess(response, `GET bytes ${written}-${end}`);
        total = totalOf(response, written);
        const before = written;
        for await (const piece of response.body) {
          await writer.write(piece);
          written += piece.byteLength;
          options.onProgress?.({ transferred: written, total });
        }
        // A 200 carries the whole image; an empty range answer means there is no more.
        if (response.status === 200 || written === before) break;
      }
    });
    await writer.close();
    return written;
  } catch (error) {
    await writer.abort(error).catch(() => {});
    throw error;
  }
}

/** Runs `move` between creating a transfer and finalizing it; cancels it on failure. */
async function transfer(
  connection: Connection,
  diskId: string,
  direction: ImageTransferDirection,
  options: ImageTransferOptions,
  move: (url: string) => Promise<void>,
): Promise<ImageTransfer> {
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add({
    ...options.transfer,
    disk: { id: diskId },
    direction,
    ...(options.format ? { format: options.format } : {}),
  }, { signal: options.signal });
  const service = transfers.imageTransferService(created.id!);
  const poll = {
    interval: options.pollInterval ?? 1000,
    timeout: options.phaseTimeout ?? 300_000,
    signal: options.signal,
    describe: (value: ImageTransfer) => `phase ${value.phase}`,
  };
  try {
    const ready = await waitFor(
      () => service.get({ signal: options.signal }),
      (value) => value.phase !== ImageTransferPhase.INITIALIZING,
      { ...poll, description: `image transfer ${created.id} to be ready` },
    );
    const url = ready.transferUrl ?? ready.proxyUrl;
    if (ready.phase !== ImageTransferPhase.TRANSFERRING || !url) {
      throw new OvirtError(`Image transfer ${created.id} is ${ready.phase}, not transferring`);
    }
    await move(url);
    await service.finalize({ signal: options.signal });
  } catch (error) {
    await service.cancel().catch(() => {});
    throw error;
  }
  const done = await waitFor(
    () => service.get({ signal: options.signal }),
    (value) =>
      value.phase === ImageTransferPhase.FINISHED_SUCCESS ||
      value.phase === ImageTransferPhase.FINISHED_FAILURE,
    { ...poll, description: `image transfer ${created.id} to finish` },
  );
  if (done.phase !== ImageTransferPhase.FINISHED_SUCCESS) {
    throw new OvirtError(`Image transfer ${created.id} ended in ${done.phase}`);
  }
  return done;
}

function checkedChunkSize(chunkSize = DEFAULT_CHUNK): number {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new OvirtError(`chunkSize must be a positive integer, not ${chunkSize}`);
  }
  return chunkSize;
}

function toStream(source: ReadableStream<Uint8Array> | Uint8Array): ReadableStream<Uint8Array> {
  if (!(source instanceof Uint8Array)) return source;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(source);
      controller.close();
    },
  });
}

/**
 * Regroups a byte stream into chunks of exactly `size` bytes (the last may be shorter).
 * Every chunk is the same buffer, refilled: use a chunk before asking for the next one.
 */
async function* chunks(
  stream: ReadableStream<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const buffer = new Uint8Array(size);
  let filled = 0;
  for await (let piece of stream) {
    while (piece.byteLength > 0) {
      const taken = Math.min(size - filled, piece.byteLength);
      buffer.set(piece.subarray(0, taken), filled);
      filled += taken;
      piece = piece.subarray(taken);
      if (filled === size) {
        yield buffer;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** Reads a (small) body to its end and drops it. */
async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  for await (const _ of body) { /* nothing to keep */ }
}

async function expectSuccess(response: TransferResponse, what: string): Promise<void> {
  if (response.status >= 200 && response.status <= 299) return;
  const text = (await new Response(response.body).text()).slice(0, 300).trim();
  throw new OvirtError(
    `Image transfer ${what} failed with HTTP ${response.status}${text ? `: ${text}` : ""}`,
    { code: response.status },
  );
}

/** The image size a ranged answer announces (`Content-Range: bytes a-b/total`). */
function totalOf(response: TransferResponse, offset: number): number {
  const range = response.headers.get("content-range")?.match(/\/(\d+)\s*$/);
  if (range) return Number(range[1]);
  const length = Number(response.headers.get("content-length"));
  return Number.isFinite(length) && response.status === 200 ? offset + length : Infinity;
}

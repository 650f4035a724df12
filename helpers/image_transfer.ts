/**
 * Disk upload and download through an image transfer, from and to streams: create the
 * transfer, wait for it to be ready, move the bytes with ovirt-imageio's protocol (areas
 * of zeros as `PATCH zero`, several connections for an upload, extents for a download),
 * finalize, and cancel on any failure. For files, {@link uploadImage} and
 * {@link downloadImage} do more (disk creation, holes, sparse output).
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

import type { Connection } from "../services/connection.ts";
import { OvirtError } from "../transport/errors.ts";
import type { ImageTransfer } from "../types/image_transfer.ts";
import { ImageTransferDirection } from "../types/image_transfer_direction.ts";
import { imageExtents, readRange } from "./transfer/download.ts";
import { type ImageTransferOptions, movingOptions } from "./transfer/options.ts";
import { Tally } from "./transfer/progress.ts";
import { withRetries } from "./transfer/retry.ts";
import { TransferSession } from "./transfer/session.ts";
import { sendImage } from "./transfer/upload.ts";

export type { ImageTransferOptions } from "./transfer/options.ts";
export type { TransferProgress, TransferStats } from "./transfer/progress.ts";
export type { SessionOptions } from "./transfer/session.ts";

/**
 * Uploads `size` bytes from `source` into the disk `diskId` and resolves to the finished
 * transfer. Chunks of zeros go as `PATCH zero` where the server can; up to
 * `connections` chunks are in flight at once. On any failure the transfer is cancelled
 * and the error rethrown (saying why the engine stopped the transfer, if it did).
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
  const moving = movingOptions(options);
  const stream = toStream(source);
  return await TransferSession.run(
    connection,
    diskId,
    ImageTransferDirection.UPLOAD,
    options,
    async (session) => {
      const connections = Math.min(moving.connections, session.server.maxWriters);
      const tally = new Tally({ size, connections, via: session.via }, options.onProgress);
      await sendImage(session.client, session.server, { kind: "stream", stream, size }, size, {
        ...moving,
        connections,
      }, tally);
    },
  ).catch(async (error) => {
    await stream.cancel().catch(() => {});
    throw error;
  });
}

/**
 * Downloads the disk `diskId` into `destination` (which is closed at the end) and
 * resolves to the number of bytes written. Areas the server reports as zeros are written
 * as zeros without being asked for. On any failure the transfer is cancelled,
 * `destination` aborted and the error rethrown.
 */
export async function downloadDisk(
  connection: Connection,
  diskId: string,
  destination: WritableStream<Uint8Array>,
  options: ImageTransferOptions = {},
): Promise<number> {
  const moving = movingOptions(options);
  const { chunkSize } = moving;
  const writer = destination.getWriter();
  let written = 0;
  try {
    await TransferSession.run(
      connection,
      diskId,
      ImageTransferDirection.DOWNLOAD,
      options,
      async ({ client, server }) => {
        const extents = await imageExtents(client, server);
        const total = extents.reduce((sum, extent) => sum + extent.length, 0);
        const zeros = new Uint8Array(Math.min(chunkSize, total));
        const buffer = new Uint8Array(Math.min(chunkSize, total));
        for (const extent of extents) {
          for (let done = 0; done < extent.length; done += chunkSize) {
            const length = Math.min(chunkSize, extent.length - done);
            const at = extent.start + done;
            const bytes = extent.zero ? zeros.subarray(0, length) : await withRetries(
              () => readRange(client, at, buffer.subarray(0, length)),
              moving.retries,
              options.signal,
            );
            await writer.write(bytes.slice());
            written += length;
            options.onProgress?.({ transferred: written, total });
          }
        }
      },
    );
    await writer.close();
    return written;
  } catch (error) {
    await writer.abort(error).catch(() => {});
    throw error;
  }
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

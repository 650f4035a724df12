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
import type { Disk } from "../types/disk.ts";
import { DiskFormat } from "../types/disk_format.ts";
import type { ImageTransfer } from "../types/image_transfer.ts";
import { ImageTransferDirection } from "../types/image_transfer_direction.ts";
import { untilAborted } from "./delay.ts";
import { QCOW_SIZE_BYTES, qcowVirtualSize } from "./image_format.ts";
import { imageExtents, readRange } from "./transfer/download.ts";
import { withNote } from "./transfer/notes.ts";
import { type ImageTransferOptions, movingOptions } from "./transfer/options.ts";
import { Tally } from "./transfer/progress.ts";
import { withRetries } from "./transfer/retry.ts";
import { outcomeUnknown, TransferSession } from "./transfer/session.ts";
import { sendImage } from "./transfer/upload.ts";

export type { ImageTransferOptions } from "./transfer/options.ts";
export type { TransferProgress, TransferStats } from "./transfer/progress.ts";
export type { SessionOptions } from "./transfer/session.ts";

/**
 * Uploads `size` bytes from `source` into the disk `diskId` and resolves to the finished
 * transfer. Chunks of zeros go as `PATCH zero` where the server can; up to
 * `connections` chunks are in flight at once. Before the transfer is created, the disk is
 * read and an upload it cannot take refused with an {@link OvirtError} (its disk left as it
 * was): more raw bytes than the disk's size, a qcow2 image (`format` `cow`, or the disk's
 * format when not given) larger than the disk or into a raw disk. On any failure the
 * transfer is cancelled and the error rethrown (saying why the engine stopped the transfer,
 * if it did, and that the engine may have marked the disk illegal, as it does after a failed
 * upload).
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
  let stream = toStream(source);
  let created = false;
  const onTransfer = (transfer: ImageTransfer) => {
    created = true;
    return options.onTransfer?.(transfer);
  };
  try {
    const diskService = connection.systemService().disksService().diskService(diskId);
    const disk = await untilAborted(diskService.get({ signal: options.signal }), options.signal);
    const format = options.format ?? disk.format;
    let header: Uint8Array | undefined;
    if (format === DiskFormat.COW) [header, stream] = await peek(stream, options.signal);
    refuseUnfit(disk, size, format, header);
    return await TransferSession.run(
      connection,
      diskId,
      ImageTransferDirection.UPLOAD,
      { ...options, onTransfer },
      async (session) => {
        const connections = Math.min(moving.connections, session.server.maxWriters);
        const tally = new Tally({ size, connections, via: session.via }, options.onProgress);
        await sendImage(session.client, session.server, { kind: "stream", stream, size }, size, {
          ...moving,
          connections,
        }, tally);
      },
    );
  } catch (error) {
    await stream.cancel().catch(() => {});
    // The engine marks the disk of an upload that failed or was cancelled illegal.
    if (!created || !(error instanceof OvirtError) || outcomeUnknown(error)) throw error;
    throw withNote(
      error,
      `; the engine may have marked disk ${diskId} illegal, as it does after a failed upload`,
    );
  }
}

/**
 * Refuses an upload of `size` bytes in `format` (the first bytes of the source in `header`
 * for a `cow` one) that `disk` cannot take.
 */
function refuseUnfit(disk: Disk, size: number, format?: DiskFormat, header?: Uint8Array): void {
  const refuse = (why: string) =>
    new OvirtError(`Cannot upload into disk ${disk.id} ("${disk.name}"): ${why}`);
  const provisioned = disk.provisionedSize;
  if (provisioned === undefined) return;
  const virtualSize = header ? qcowVirtualSize(header) : undefined;
  if (header && virtualSize === undefined) {
    // Raw bytes sent as the volume of a qcow2 disk would overwrite its qcow2 file.
    throw refuse(
      `the source is no qcow2 image, and the upload is a cow (qcow2) one${
        format === disk.format ? ", the disk's format" : ""
      }: give format "raw" to write raw guest data into the disk`,
    );
  }
  if (virtualSize !== undefined) {
    if (disk.format === DiskFormat.RAW) {
      throw refuse("a qcow2 image goes into a cow disk, not raw");
    }
    if (virtualSize > provisioned) {
      throw refuse(
        `the qcow2 image's ${virtualSize} bytes do not fit the ${provisioned} of the disk`,
      );
    }
  }
  if ((format === DiskFormat.RAW || disk.format === DiskFormat.RAW) && size > provisioned) {
    throw refuse(`${size} bytes do not fit the ${provisioned} of the disk`);
  }
}

/** Bytes of a `cow` upload's source looked at before it is sent: its qcow2 header's. */
async function peek(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): Promise<[Uint8Array, ReadableStream<Uint8Array>]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < QCOW_SIZE_BYTES) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
  const header = new Uint8Array(Math.min(length, QCOW_SIZE_BYTES));
  for (let index = 0, at = 0; at < header.length; at += chunks[index++].length) {
    header.set(chunks[index].subarray(0, header.length - at), at);
  }
  // The same bytes again: those read, then the rest.
  const again = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = chunks.shift() ?? (await reader.read()).value;
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return [header, again];
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

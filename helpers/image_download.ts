/**
 * From a disk to a local file in one call: {@link downloadImage} asks the image server
 * which areas hold data (`GET .../extents`), fetches only those with several connections,
 * and writes a sparse file whose zero areas stay holes.
 *
 * @example
 * ```ts
 * import { Connection, downloadImage, progressBar } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const { stats } = await downloadImage(connection, "disk-id", "disk.raw", {
 *   onProgress: progressBar("Downloading"),
 * });
 * console.log(`${stats.dataBytes} bytes of data, ${stats.zeroBytes} left as holes`);
 * ```
 *
 * @module
 */

import type { Connection } from "../services/connection.ts";
import { OvirtError } from "../transport/errors.ts";
import { DiskFormat } from "../types/disk_format.ts";
import type { ImageTransfer } from "../types/image_transfer.ts";
import { ImageTransferDirection } from "../types/image_transfer_direction.ts";
import { imageExtents, receiveImage } from "./transfer/download.ts";
import { type ImageTransferOptions, movingOptions } from "./transfer/options.ts";
import { Tally, type TransferStats } from "./transfer/progress.ts";
import { TransferSession } from "./transfer/session.ts";

/** Options of {@link downloadImage}. */
export interface DownloadImageOptions extends ImageTransferOptions {
  /** Replace `path` if it exists (default: refuse). */
  overwrite?: boolean;
}

/** What {@link downloadImage} resolves to. */
export interface DownloadImageResult {
  /** The finished transfer. */
  transfer: ImageTransfer;
  /** Bytes and requests of the download (`size` is the file's size). */
  stats: TransferStats;
}

/**
 * Downloads disk `diskId` (by default as raw guest data: `format` `raw`) into a new file at
 * `path`; a snapshot of it with `transfer: { snapshot: { id } }`. Zero areas are not
 * fetched and stay holes in the file. On any failure the transfer is cancelled and the
 * partial file removed.
 */
export async function downloadImage(
  connection: Connection,
  diskId: string,
  path: string,
  options: DownloadImageOptions = {},
): Promise<DownloadImageResult> {
  const moving = movingOptions(options);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, {
      write: true,
      create: true,
      createNew: !options.overwrite,
      truncate: true,
    });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new OvirtError(`Cannot download into ${path}: it exists (pass overwrite: true)`);
    }
    throw error;
  }
  let stats: TransferStats | undefined;
  try {
    const transfer = await TransferSession.run(
      connection,
      diskId,
      ImageTransferDirection.DOWNLOAD,
      { ...options, format: options.format ?? DiskFormat.RAW },
      async ({ client, server, via }) => {
        const extents = await imageExtents(client, server);
        const size = extents.reduce((sum, extent) => sum + extent.length, 0);
        await file.truncate(size); // all holes: only data gets written
        const connections = Math.min(moving.connections, server.maxReaders);
        const tally = new Tally({ size, connections, via }, options.onProgress);
        stats = tally.stats;
        await receiveImage(client, extents, path, { ...moving, connections }, tally);
      },
    );
    file.close();
    return { transfer, stats: stats! };
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw error;
  }
}

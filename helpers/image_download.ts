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
import { fileError, onFile } from "./transfer/files.ts";
import { type ImageTransferOptions, movingOptions } from "./transfer/options.ts";
import { Tally, type TransferStats } from "./transfer/progress.ts";
import { outcomeUnknown, TransferSession } from "./transfer/session.ts";
import { withNote } from "./transfer/notes.ts";

/** Options of {@link downloadImage}. */
export interface DownloadImageOptions extends ImageTransferOptions {
  /**
   * Replace the file at `path` if there is one (default: refuse). It is kept as it is until
   * the download is complete: the disk goes into a new file beside it, which then takes
   * its place (and its permissions).
   */
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
 * fetched and stay holes in the file. With `overwrite`, an existing file is replaced only
 * once the download is complete (it goes into `.NAME.RANDOM.part` beside it until then; in a
 * folder that takes no new file, it is written in place once the transfer is ready).
 * On any failure or abort the partial file is removed first (an existing file stays as it
 * was), then the transfer cancelled; a local file's failure is an {@link OvirtError} naming
 * the file. A transfer finalized whose end cannot be learned within `phaseTimeout` keeps the
 * complete file and rejects saying so.
 */
export async function downloadImage(
  connection: Connection,
  diskId: string,
  path: string,
  options: DownloadImageOptions = {},
): Promise<DownloadImageResult> {
  const moving = movingOptions(options);
  options.signal?.throwIfAborted();
  const target = await openTarget(path, options.overwrite === true);
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
        // All holes: only data gets written.
        await onFile(`Cannot write ${path}`, () => target.prepare(size));
        const connections = Math.min(moving.connections, server.maxReaders);
        const tally = new Tally({ size, connections, via }, options.onProgress);
        stats = tally.stats;
        await receiveImage(client, extents, target.path, { ...moving, connections }, tally, path);
      },
      () => dropTarget(target),
    );
    target.file.close();
    await target.commit();
    return { transfer, stats: stats! };
  } catch (error) {
    if (outcomeUnknown(error)) {
      closeQuietly(target.file);
      // Every byte came: only the engine's word on the transfer's end is missing.
      await target.commit();
      throw withNote(error, `; every byte was received and ${path} is kept`);
    }
    await dropTarget(target);
    throw error;
  }
}

/** Closes the target's file and removes what the download wrote (once only). */
function dropTarget(target: Target): Promise<void> {
  closeQuietly(target.file);
  return target.discard();
}

function closeQuietly(file: Deno.FsFile): void {
  try {
    file.close();
  } catch {
    // Closed already.
  }
}

/** Where a download writes: the file (opened), and how it becomes `path` once complete. */
interface Target {
  /** The file written: `path` itself when it is new, else a temporary file beside it. */
  path: string;
  file: Deno.FsFile;
  /** Makes the file `size` bytes of holes, once the transfer is ready. */
  prepare(size: number): Promise<void>;
  /** Puts the complete file in place. */
  commit(): Promise<void>;
  /** Removes what a failed download wrote (never a file it did not touch), once. */
  discard(): Promise<void>;
}

/** A target written where it stands, removed if the download fails once begun. */
function inPlace(path: string, file: Deno.FsFile, existing: boolean): Target {
  let begun = !existing;
  let discarded: Promise<void> | undefined;
  return {
    path,
    file,
    prepare: async (size) => {
      begun = true;
      if (existing) await file.truncate(0); // no old byte may stay where the disk has a hole
      await file.truncate(size);
    },
    commit: () => Promise.resolve(),
    discard: () => discarded ??= begun ? Deno.remove(path).catch(() => {}) : Promise.resolve(),
  };
}

/**
 * Opens where the download of `path` goes, before anything is asked of the engine: `path`
 * itself, created (it must not exist), or, when it exists and `overwrite` allows, a new
 * temporary file in the same directory (as `path`'s target if it is a symbolic link), with
 * its permissions, which replaces it at the end.
 */
async function openTarget(path: string, overwrite: boolean): Promise<Target> {
  try {
    return inPlace(path, await Deno.open(path, { write: true, createNew: true }), false);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw fileError(`Cannot download into ${path}: cannot create it`, error);
    }
  }
  const info = await onFile(`Cannot download into ${path}`, () => Deno.stat(path));
  if (!info.isFile) throw new OvirtError(`Cannot download into ${path}: it is not a regular file`);
  if (!overwrite) {
    throw new OvirtError(`Cannot download into ${path}: it exists (pass overwrite: true)`);
  }
  // A file the user may not write is not replaced either (opening it changes nothing).
  (await onFile(
    `Cannot download into ${path}: cannot write it`,
    () => Deno.open(path, { write: true }),
  )).close();
  const real = await onFile(`Cannot download into ${path}`, () => Deno.realPath(path));
  const cut = Math.max(real.lastIndexOf("/"), real.lastIndexOf("\\"));
  const dir = real.slice(0, cut + 1);
  let temporary: string;
  try {
    temporary = await Deno.makeTempFile({
      dir,
      prefix: `.${real.slice(cut + 1)}.`,
      suffix: ".part",
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.PermissionDenied)) {
      throw fileError(`Cannot download into ${path}: cannot create a file in ${dir}`, error);
    }
    // A folder the user may not write, holding a file they may (a libvirt images folder):
    // the file itself is written, once the transfer is ready.
    return inPlace(
      real,
      await onFile(
        `Cannot download into ${path}: cannot write it`,
        () => Deno.open(real, { write: true }),
      ),
      true,
    );
  }
  let file: Deno.FsFile | undefined;
  let discarded: Promise<void> | undefined;
  try {
    file = await Deno.open(temporary, { write: true });
    if (info.mode !== null) await Deno.chmod(temporary, info.mode & 0o777);
    if (info.uid !== null && info.gid !== null) {
      // Its owner too, where the user may give it (root may; others keep theirs).
      await Deno.chown(temporary, info.uid, info.gid).catch(() => {});
    }
    return {
      path: temporary,
      file,
      prepare: (size) => file!.truncate(size),
      commit: () => onFile(`Cannot replace ${path}`, () => Deno.rename(temporary, real)),
      discard: () => discarded ??= Deno.remove(temporary).catch(() => {}),
    };
  } catch (error) {
    file?.close();
    await Deno.remove(temporary).catch(() => {});
    throw fileError(`Cannot download into ${path}: cannot prepare ${temporary}`, error);
  }
}

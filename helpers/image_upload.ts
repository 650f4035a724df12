/**
 * From a local image file to a ready disk in one call: {@link uploadImage} reads the
 * image's header, creates a disk of the right format and size, uploads the file with
 * ovirt-imageio's protocol (holes and zeros as `PATCH zero`, several connections,
 * `proxy_url` when the host cannot be reached), optionally verifies it, and waits until
 * the disk is `ok`.
 *
 * @example
 * ```ts
 * import { Connection, progressBar, uploadImage } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const { disk, stats } = await uploadImage(connection, "fedora.qcow2", {
 *   storageDomain: "data",
 *   name: "fedora",
 *   onProgress: progressBar("Uploading"),
 * });
 * console.log(disk.id, `${stats.dataBytes} bytes sent`);
 * ```
 *
 * @module
 */

import type { Connection } from "../services/connection.ts";
import { NotFoundError, OvirtError, TimeoutError } from "../transport/errors.ts";
import { MAX_MILLISECONDS } from "../transport/options.ts";
import type { DiskService } from "../services/disk.ts";
import type { DisksService } from "../services/disks.ts";
import type { Disk } from "../types/disk.ts";
import { DiskContentType } from "../types/disk_content_type.ts";
import { DiskFormat } from "../types/disk_format.ts";
import { DiskStatus } from "../types/disk_status.ts";
import type { ImageTransfer } from "../types/image_transfer.ts";
import { ImageTransferDirection } from "../types/image_transfer_direction.ts";
import type { StorageDomain } from "../types/storage_domain.ts";
import { type ImageInfo, probeImage } from "./image_format.ts";
import { mapFile, type MapMethod } from "./transfer/holes.ts";
import { type ImageTransferOptions, movingOptions } from "./transfer/options.ts";
import { Tally, type TransferStats } from "./transfer/progress.ts";
import { outcomeUnknown, TransferSession } from "./transfer/session.ts";
import { briefly, toldAnyway, withNote } from "./transfer/notes.ts";
import { CleanupBudget } from "./transfer/cleanup.ts";
import { sendImage } from "./transfer/upload.ts";
import { type VerifyMode, verifyUpload } from "./transfer/verify.ts";
import { untilAborted } from "./delay.ts";
import { waitFor, waitForStatus } from "./wait.ts";

/** Options of {@link uploadImage}. */
export interface UploadImageOptions extends ImageTransferOptions {
  /** The storage domain of the new disk: its name, or a reference (`{ id }` or `{ name }`). */
  storageDomain: string | StorageDomain;
  /** Name of the new disk (default: {@link diskNameFor} the file). */
  name?: string;
  /** Description of the new disk. */
  description?: string;
  /** Id to give the new disk (default: the engine picks one). */
  diskId?: string;
  /** Format of the new disk (default: the image's; a raw image may go into a `cow` disk). */
  diskFormat?: DiskFormat;
  /**
   * Virtual size of the new disk in bytes (default: the image's). A raw image may go into a
   * larger disk (the rest reads as zeros); a qcow2 image's disk is the size its header says.
   */
  provisionedSize?: number;
  /** Thin provisioning (default true). */
  sparse?: boolean;
  /** Content type (default `iso` for an ISO 9660 image, else `data`). */
  contentType?: DiskContentType;
  /** More members of the disk to create (e.g. `{ wipeAfterDelete: true }`). */
  disk?: Omit<Disk, "name" | "format" | "provisionedSize" | "storageDomains">;
  /**
   * Verify the upload before finalizing: `checksum` compares the server's checksum with
   * the file's (a read-back where the server offers none), `read-back` reads it all back.
   */
  verify?: VerifyMode;
  /** Keep the new disk when the upload fails (default: it is removed). */
  keepDiskOnFailure?: boolean;
  /**
   * Called with the disk the engine answered to its creation (and its id) before its transfer
   * is created, e.g. to note the id for a clean-up should the script be killed; a promise it
   * returns is awaited. One that throws (or rejects) fails the call with its error, the disk
   * removed (unless `keepDiskOnFailure`). Also called when the engine answers an `add` the
   * call's abort did not cut off, before the disk is removed, without waiting for it (the call
   * then rejects with the abort's reason, whatever it throws).
   */
  onDisk?: (disk: Disk) => void | Promise<void>;
  /**
   * How the file's holes may be found, in order (default `["seek", "qemu-img"]`; then the
   * whole file is read and its zeros found while reading).
   */
  mapMethods?: readonly Exclude<MapMethod, "scan">[];
}

/** What {@link uploadImage} resolves to. */
export interface UploadImageResult {
  /** The new disk, `ok`. */
  disk: Disk;
  /** The finished transfer. */
  transfer: ImageTransfer;
  /** What the header said. */
  image: ImageInfo;
  /** Bytes and requests of the upload. */
  stats: TransferStats;
  /** How the upload was verified, if it was. */
  verified?: VerifyMode;
}

/**
 * Uploads the image file at `path` into a new disk on `options.storageDomain` and
 * resolves once the disk is `ok`. A qcow2 image goes as it is into a `cow` disk (whose
 * initial size is the file's size, as block storage needs); a raw image into a raw disk
 * (or a `cow` one, with `diskFormat`). Rejects with an {@link OvirtError} for images that
 * cannot be sent as they are (see {@link probeImage}); on any failure the transfer is
 * cancelled and the new disk removed (unless `keepDiskOnFailure`): after an abort within
 * 10 s of it (or `phaseTimeout`, if shorter). What could not be cleaned up (a transfer not
 * cancelled, a disk not removed) is named in the error, which is then an `OvirtError` (with
 * an abort's reason as its `cause`). `onDisk` and `onTransfer` are told of the disk and the
 * transfer as soon as the engine has made them; one that throws fails the call so.
 */
export async function uploadImage(
  connection: Connection,
  path: string,
  options: UploadImageOptions,
): Promise<UploadImageResult> {
  const moving = movingOptions(options);
  using budget = new CleanupBudget(options);
  const image = await probeImage(path);
  const diskFormat = options.diskFormat ?? image.format;
  if (image.format === DiskFormat.COW && diskFormat !== DiskFormat.COW) {
    throw new OvirtError(
      `Cannot upload ${path}: a qcow2 image goes into a cow disk, not ${diskFormat}`,
    );
  }
  const provisionedSize = options.provisionedSize ?? image.virtualSize;
  if (
    !Number.isSafeInteger(provisionedSize) || provisionedSize < image.virtualSize ||
    (image.format === DiskFormat.COW && provisionedSize !== image.virtualSize)
  ) {
    const why = image.format === DiskFormat.COW
      ? `a qcow2 image's disk is the ${image.virtualSize} bytes its header says`
      : `the image holds ${image.virtualSize} bytes`;
    throw new OvirtError(`Cannot upload ${path} into a disk of ${provisionedSize} bytes: ${why}`);
  }
  const map = await mapFile(path, image.fileSize, { methods: options.mapMethods });
  const disks = connection.systemService().disksService();
  const domain = typeof options.storageDomain === "string"
    ? { name: options.storageDomain }
    : options.storageDomain;
  const created = await addDisk(
    disks,
    {
      ...options.disk,
      ...(options.diskId ? { id: options.diskId } : {}),
      name: options.name ?? diskNameFor(path),
      ...(options.description ? { description: options.description } : {}),
      format: diskFormat,
      sparse: options.sparse ?? true,
      contentType: options.contentType ??
        (image.iso ? DiskContentType.ISO : DiskContentType.DATA),
      provisionedSize,
      ...(image.format === DiskFormat.COW ? { initialSize: image.fileSize } : {}),
      storageDomains: [domain],
    },
    options,
    budget,
  );
  const diskService = disks.diskService(created.id!);
  const wait = {
    interval: options.pollInterval ?? 1000,
    timeout: options.phaseTimeout ?? 300_000,
    signal: options.signal,
  };
  let stats: TransferStats | undefined;
  let verified: VerifyMode | undefined;
  let transfer: ImageTransfer | undefined;
  try {
    await options.onDisk?.(created);
    await waitForStatus(diskService, DiskStatus.OK, wait);
    transfer = await TransferSession.run(
      connection,
      created.id!,
      ImageTransferDirection.UPLOAD,
      { ...options, format: image.format },
      async (session) => {
        const connections = Math.min(moving.connections, session.server.maxWriters);
        const tally = new Tally(
          { size: image.fileSize, connections, via: session.via, mapMethod: map.method },
          options.onProgress,
        );
        stats = tally.stats;
        const source = { kind: "file" as const, path, extents: map.extents };
        await sendImage(session.client, session.server, source, image.fileSize, {
          ...moving,
          connections,
        }, tally);
        if (options.verify) {
          verified = await verifyUpload(session.client, path, map.extents, options.verify, {
            ...moving,
            connections: Math.min(moving.connections, session.server.maxReaders),
          });
        }
      },
    );
    const disk = await waitForStatus(diskService, DiskStatus.OK, wait);
    return { disk, transfer, image, stats: stats!, ...(verified ? { verified } : {}) };
  } catch (error) {
    // The bytes may all be in the disk: a finished transfer's disk, or one whose transfer was
    // finalized but could not be asked about, is never removed.
    if (transfer !== undefined || outcomeUnknown(error)) {
      const state = transfer ? "its upload finished" : "it may hold the whole image";
      throw withNote(error, `; disk ${created.id} ("${created.name}") is kept: ${state}`);
    }
    if (options.keepDiskOnFailure) throw error;
    const notRemoved = await removeDisk(diskService, wait.interval, budget);
    if (notRemoved === undefined) throw error;
    throw withNote(error, leftDisk(created, notRemoved));
  }
}

/**
 * Adds `disk`, unless the call is aborted already. An abort does not cut the `add` off once
 * sent (the engine may carry it out all the same): its answer is awaited, within the clean-up
 * time after the abort, and the disk it made told to `onDisk` and removed (with
 * `keepDiskOnFailure`, named as kept) before the abort's reason is thrown; what could not be
 * done is named in the error.
 */
async function addDisk(
  disks: DisksService,
  disk: Disk,
  options: UploadImageOptions,
  budget: CleanupBudget,
): Promise<Disk> {
  options.signal?.throwIfAborted(); // nothing is made for a call aborted before it began
  const adding = disks.add(disk); // within the connection's timeout, whatever the signal
  try {
    return await untilAborted(adding, options.signal);
  } catch (error) {
    if (!options.signal?.aborted) {
      // Sent, its answer lost or late: the engine may have made the disk, which nobody will
      // remove.
      if (!(error instanceof OvirtError && error.maybeApplied)) throw error;
      throw withNote(error, `; a disk named "${disk.name}" may have been made: look for it`);
    }
    let made: Disk;
    try {
      made = await budget.run("waiting for the answer to the disk's add", () => adding, true);
    } catch (failure) {
      if (failure instanceof TimeoutError) {
        throw withNote(error, `; a disk named "${disk.name}" may have been made: no answer came`);
      }
      // A proxy's 502/504, or the engine's 202 without the disk: it may exist all the same.
      if (failure instanceof OvirtError && failure.maybeApplied) {
        throw withNote(
          error,
          `; a disk named "${disk.name}" may have been made (${briefly(failure)}): look for it`,
        );
      }
      throw error; // refused: nothing was made
    }
    toldAnyway(options.onDisk, made);
    if (options.keepDiskOnFailure) {
      throw withNote(error, `; disk ${made.id} ("${made.name}") is kept (keepDiskOnFailure)`);
    }
    const notRemoved = await removeDisk(
      disks.diskService(made.id!),
      options.pollInterval ?? 1000,
      budget,
    );
    if (notRemoved === undefined) throw error;
    throw withNote(error, leftDisk(made, notRemoved));
  }
}

/**
 * Removes a disk once it is no longer locked, within the clean-up time left; resolves to
 * why it could not be removed, or `undefined` once it is gone.
 */
async function removeDisk(
  diskService: DiskService,
  interval: number,
  budget: CleanupBudget,
): Promise<string | undefined> {
  let last: Disk | undefined;
  try {
    await budget.run("removing the disk", async (signal) => {
      await waitFor(
        (polls) => diskService.get({ signal: polls }),
        (disk) => (last = disk).status !== DiskStatus.LOCKED,
        { interval, timeout: MAX_MILLISECONDS, signal },
      );
      await diskService.remove({ signal });
    });
    return undefined;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined; // gone already
    if (error instanceof TimeoutError && last?.status === DiskStatus.LOCKED) {
      return "it is still locked";
    }
    return briefly(error);
  }
}

/** The note of an error for a new disk that was left behind. */
function leftDisk(disk: Disk, why: string): string {
  return `; disk ${disk.id} ("${disk.name}") was not removed (${why}): remove it`;
}

/**
 * The name {@link uploadImage} gives a new disk by default: the file name of `path` without
 * its directory and extension, each character the engine takes in no disk alias (only
 * letters, digits, `.`, `_` and `-`) made `_`. The engine adds a disk no VM gets whatever
 * its alias, but then refuses every update of it (of the disk or of its attachment to a VM)
 * while the alias holds another character: `Fedora 40 (x86_64).qcow2` gives
 * `Fedora_40__x86_64_`.
 */
export function diskNameFor(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  const dot = file.lastIndexOf(".");
  const stem = dot > 0 ? file.slice(0, dot) : file;
  return stem.replace(/[^\p{L}0-9._-]/gu, "_");
}

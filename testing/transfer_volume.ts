/**
 * What an image transfer moves, by its `format` and its disk's, as imageio does on the
 * engine's host: `format` `raw` (the NBD backend) moves the guest's bytes, any other the
 * volume's own (the file backend). A `raw` disk's volume is the guest's bytes either way. A
 * `cow` disk's volume is a qcow2 file: the simulator holds it as uploaded (`format` `cow`),
 * or holds the guest's bytes and makes a qcow2 file of them when one is asked for. So a
 * `raw` download of an uploaded qcow2 gives the guest's data (the simulator reads qcow2
 * files without backing file or compressed clusters, and refuses the transfer of others),
 * and a `cow` download of a disk holding guest bytes gives a qcow2 file.
 *
 * @module
 */

import { conflict } from "./answers.ts";
import type { Engine } from "./engine.ts";
import { type ImageBytes, SparseImage } from "./image_store.ts";
import { qcow2OfGuest } from "./qcow2_file.ts";
import { guestOfQcow2, Qcow2Unreadable } from "./qcow2_guest.ts";
import type { Entity } from "./store.ts";

/** The bytes a transfer reads and writes, and how many there are. */
export interface Volume {
  readonly bytes: ImageBytes;
  readonly size: number;
}

/** What a transfer is, for {@link prepareVolume} and {@link volumeOf}. */
export interface TransferShape {
  /** The transfer's `format`. */
  readonly format: string;
  /** Whether it writes. */
  readonly upload: boolean;
  /** The id of the image in the image store (the disk's, or a frozen layer's). */
  readonly imageId: string;
  /** The guest's size: the disk's (or the layer's) provisioned size. */
  readonly guestSize: number;
}

/**
 * Makes image `shape.imageId` of `disk` hold what the transfer will move before it starts:
 * for an upload of guest bytes, the guest bytes of the qcow2 file it held; for an upload of a
 * qcow2 file, a qcow2 file of the guest bytes it held (the volume the client writes over;
 * nothing, if it held no data).
 * Refuses (409) a transfer of a qcow2 file's guest bytes that the simulator cannot read.
 */
export function prepareVolume(engine: Engine, disk: Entity, shape: TransferShape): void {
  if (disk.format !== "cow") return;
  const image = engine.images.of(shape.imageId);
  if (shape.format !== "raw") {
    if (!shape.upload || image.qcow2) return;
    // A disk that holds no data yet takes the client's file alone (a new disk's upload).
    const volume = new SparseImage();
    if (image.allocated > 0) {
      const file = qcow2OfGuest(image, shape.guestSize);
      copy(file, file.size, volume);
    }
    volume.qcow2 = true;
    return engine.images.set(shape.imageId, volume);
  }
  if (!image.qcow2) return;
  const guest = readGuest(image);
  if (!shape.upload) return;
  const bytes = new SparseImage();
  copy(guest, Math.max(guest.virtualSize, shape.guestSize), bytes);
  engine.images.set(shape.imageId, bytes);
}

/** What a transfer of `disk` shaped `shape` reads and writes (see {@link prepareVolume}). */
export function volumeOf(engine: Engine, disk: Entity, shape: TransferShape): Volume {
  const image = engine.images.of(shape.imageId);
  const guestBytes = { bytes: image, size: shape.guestSize };
  if (disk.format !== "cow") return guestBytes;
  if (shape.format === "raw") {
    return image.qcow2 ? { bytes: readGuest(image), size: shape.guestSize } : guestBytes;
  }
  if (!image.qcow2) return fileOf(image, shape.guestSize);
  if (!shape.upload) return { bytes: image, size: image.end };
  // Room for a qcow2 file: the disk's initial size when set (the volume block storage
  // allocates), else twice the guest's size (a file volume grows).
  const initial = disk.initialSize as number | undefined;
  return { bytes: image, size: Math.max(shape.guestSize, initial ?? 2 * shape.guestSize) };
}

/** A qcow2 file of the guest bytes `image` holds. */
function fileOf(image: SparseImage, guestSize: number): Volume {
  const file = qcow2OfGuest(image, guestSize);
  return { bytes: file, size: file.size };
}

/** The guest bytes of qcow2 file `image`, or a 409 saying why the simulator cannot read them. */
function readGuest(image: SparseImage): ImageBytes & { virtualSize: number } {
  try {
    return guestOfQcow2(image);
  } catch (error) {
    if (!(error instanceof Qcow2Unreadable)) throw error;
    throw conflict(
      `Cannot transfer Virtual Disk as raw data: the simulator cannot read the disk's qcow2 image: ${error.message}.`,
    );
  }
}

/** Copies the data extents of the first `size` bytes of `from` into `to`, 1 MiB at a time. */
function copy(from: ImageBytes, size: number, to: SparseImage): void {
  const step = 1024 * 1024;
  for (const extent of from.extents(size)) {
    if (extent.zero) continue;
    for (let at = extent.start; at < extent.start + extent.length; at += step) {
      const length = Math.min(step, extent.start + extent.length - at);
      to.write(at, from.read(at, length));
    }
  }
}

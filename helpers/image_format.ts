/**
 * What an image file is, from its header: qcow2 (version, virtual size, and what makes it
 * unsendable as it is: compression, encryption, a backing file, an external data file,
 * the dirty or corrupt marks), an ISO 9660 image, or raw. Formats that would be taken for
 * raw by mistake (VMDK, VHD, VHDX, VDI) are refused by name.
 *
 * @example
 * ```ts
 * import { probeImage } from "@ovirt/sdk";
 *
 * const image = await probeImage("disk.qcow2");
 * console.log(image.format, image.virtualSize); // "cow" 10737418240
 * ```
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { DiskFormat } from "../types/disk_format.ts";
import { fileError, onFile } from "./transfer/files.ts";

/** What {@link probeImage} found. */
export interface ImageInfo {
  /** `cow` for qcow2, `raw` otherwise. */
  format: DiskFormat;
  /** Size of the disk the image holds (what the guest sees), in bytes. */
  virtualSize: number;
  /** Size of the file in bytes (what an upload sends). */
  fileSize: number;
  /** The qcow2 version (2 or 3), for a qcow2 image. */
  qcowVersion?: number;
  /** Whether the file is an ISO 9660 (CD/DVD) image. */
  iso: boolean;
}

const QCOW_MAGIC = 0x514649fb;
/** qcow2 v3 incompatible feature bits. */
const DIRTY = 1n << 0n;
const CORRUPT = 1n << 1n;
const EXTERNAL_DATA = 1n << 2n;
const EXTENDED_L2 = 1n << 4n;
/** The "compressed" flag of an L2 entry, in its high 32 bits. */
const COMPRESSED_HIGH = 1 << 30;
/** Bits 9-55 of an L1 entry (where its L2 table is) or of an L2 entry (where its data is). */
const L2_OFFSET_MASK = 0x00fffffffffffe00n;
/** The largest L1 table qemu opens (`QCOW_MAX_L1_SIZE`), in bytes. */
const MAX_L1_BYTES = 32 * 1024 * 1024;

/** Bytes of a qcow2 header that {@link qcowVirtualSize} reads. */
export const QCOW_SIZE_BYTES = 32;

/**
 * The virtual size a qcow2 header says, from the first {@link QCOW_SIZE_BYTES} bytes of an
 * image; `undefined` when they are not a qcow2 header's.
 */
export function qcowVirtualSize(header: Uint8Array): number | undefined {
  if (header.length < QCOW_SIZE_BYTES) return undefined;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0) !== QCOW_MAGIC) return undefined;
  return Number(view.getBigUint64(24));
}

/**
 * Reads the header of the image at `path`. Rejects with an {@link OvirtError} naming the
 * reason for an image that cannot be uploaded as it is: a compressed, encrypted, dirty or
 * corrupt qcow2 image, one with a backing file or an external data file, qcow version 1, and
 * VMDK, VHD, VHDX or VDI images (convert them with `qemu-img convert -O qcow2`); and for a
 * file that cannot be read (missing, a directory...), naming it, with the runtime's error
 * as `cause`.
 */
export async function probeImage(path: string): Promise<ImageInfo> {
  using file = await onFile(`Cannot read ${path}`, () => Deno.open(path, { read: true }));
  try {
    return await probe(file, path);
  } catch (error) {
    throw fileError(`Cannot read ${path}`, error);
  }
}

/** What the header of `file` (at `path`, for messages) says; see {@link probeImage}. */
async function probe(file: Deno.FsFile, path: string): Promise<ImageInfo> {
  const fileSize = (await file.stat()).size;
  const header = await readAt(file, 0, 112);
  const view = new DataView(header.buffer);
  const text = (start: number, length: number) =>
    String.fromCharCode(...header.subarray(start, start + length));
  const refuse = (why: string) => new OvirtError(`Cannot upload ${path}: ${why}`);
  const convert = "convert it with `qemu-img convert -O qcow2` first";
  if (text(0, 4) === "KDMV" || text(0, 4) === "# Di") {
    throw refuse(`it is a VMDK image; ${convert}`);
  }
  if (text(0, 8) === "vhdxfile") throw refuse(`it is a VHDX image; ${convert}`);
  if (text(0, 8) === "conectix") throw refuse(`it is a VHD image; ${convert}`);
  if (header.length >= 72 && view.getUint32(64, true) === 0xbeda107f) {
    throw refuse(`it is a VDI image; ${convert}`);
  }
  if (header.length < 72 || view.getUint32(0) !== QCOW_MAGIC) {
    const iso = fileSize >= 0x8006 && (await readAt(file, 0x8001, 5)).every(
      (byte, index) => byte === "CD001".charCodeAt(index),
    );
    return { format: DiskFormat.RAW, virtualSize: fileSize, fileSize, iso };
  }
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) throw refuse(`qcow version ${version} is not supported`);
  /** Whether `length` bytes at `offset` lie within the file. */
  const inFile = (offset: bigint, length: number) => offset + BigInt(length) <= BigInt(fileSize);
  const corrupt = (what: string) =>
    refuse(`its qcow2 header is corrupt (${what}); run \`qemu-img check\` on it`);
  const backingOffset = view.getBigUint64(8);
  if (backingOffset !== 0n) {
    const length = Math.min(view.getUint32(16), 1023);
    // Its name when it is where the header says, without control characters.
    const text = inFile(backingOffset, length)
      ? new TextDecoder().decode(await readAt(file, Number(backingOffset), length))
      : "";
    // deno-lint-ignore no-control-regex -- control characters are what is left out
    const shown = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
    const name = shown === "" ? "" : ` (${shown})`;
    throw refuse(
      `it has a backing file${name}; upload a standalone image (\`qemu-img convert -O qcow2\`)`,
    );
  }
  if (view.getUint32(32) !== 0) throw refuse("it is encrypted");
  const clusterBits = view.getUint32(20);
  if (clusterBits < 9 || clusterBits > 21) {
    throw refuse(`its cluster size 2^${clusterBits} is invalid`);
  }
  const incompatible = version === 3 ? view.getBigUint64(72) : 0n;
  if (incompatible & DIRTY) throw refuse("it is marked dirty; run `qemu-img check -r all` on it");
  if (incompatible & CORRUPT) {
    throw refuse("it is marked corrupt; run `qemu-img check -r all` on it");
  }
  if (incompatible & EXTERNAL_DATA) throw refuse("its data is in an external data file");
  const virtualSize = view.getBigUint64(24);
  if (virtualSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw corrupt(`a virtual size of ${virtualSize} bytes`);
  }
  const l1Size = view.getUint32(36), l1Offset = view.getBigUint64(40);
  if (l1Size * 8 > MAX_L1_BYTES) {
    throw corrupt(`an L1 table of ${l1Size} entries, larger than qemu's limit of 32 MiB`);
  }
  if (!inFile(l1Offset, l1Size * 8)) throw corrupt("its L1 table lies past the end of the file");
  const geometry = {
    clusterBits,
    l1Size,
    l1Offset: Number(l1Offset),
    extendedL2: (incompatible & EXTENDED_L2) !== 0n,
  };
  const flaws = {
    corrupt,
    truncated: () =>
      refuse("a data cluster lies past the end of the file: the file looks truncated"),
  };
  if (await hasCompressedCluster(file, geometry, fileSize, flaws)) {
    throw refuse("it has compressed clusters; convert it without `-c` first");
  }
  return {
    format: DiskFormat.COW,
    virtualSize: Number(virtualSize),
    fileSize,
    qcowVersion: version,
    iso: false,
  };
}

/**
 * Whether any L2 entry of the image marks its cluster compressed: the only trace
 * `qemu-img convert -c` leaves (the header says nothing). Reads the L1 table and each L2
 * table once; throws `flaws.corrupt`'s error for an L2 table past the end of the file (of
 * `fileSize` bytes), `flaws.truncated`'s for a cluster of data that starts there (an
 * interrupted copy; as for `qemu-img check`, the last cluster may end past it).
 */
async function hasCompressedCluster(
  file: Deno.FsFile,
  geometry: { clusterBits: number; l1Size: number; l1Offset: number; extendedL2: boolean },
  fileSize: number,
  flaws: { corrupt: (what: string) => Error; truncated: () => Error },
): Promise<boolean> {
  const clusterSize = 2 ** geometry.clusterBits;
  const l1 = await readAt(file, geometry.l1Offset, geometry.l1Size * 8);
  const l1View = new DataView(l1.buffer, l1.byteOffset, l1.byteLength);
  const stride = geometry.extendedL2 ? 16 : 8;
  const read = new Set<bigint>();
  for (let index = 0; index + 8 <= l1.length; index += 8) {
    const l2Offset = l1View.getBigUint64(index) & L2_OFFSET_MASK;
    if (l2Offset === 0n || read.has(l2Offset)) continue;
    if (l2Offset % BigInt(clusterSize) !== 0n) {
      throw flaws.corrupt("an L2 table is not aligned to a cluster");
    }
    if (l2Offset + BigInt(clusterSize) > BigInt(fileSize)) {
      throw flaws.corrupt("an L2 table lies past the end of the file");
    }
    read.add(l2Offset);
    const l2 = await readAt(file, Number(l2Offset), clusterSize);
    const l2View = new DataView(l2.buffer, l2.byteOffset, l2.byteLength);
    for (let entry = 0; entry + 8 <= l2.length; entry += stride) {
      if (l2View.getUint32(entry) & COMPRESSED_HIGH) return true;
      const data = l2View.getBigUint64(entry) & L2_OFFSET_MASK;
      if (data >= BigInt(fileSize)) throw flaws.truncated();
    }
  }
  return false;
}

/** Up to `length` bytes of `file` at `offset` (fewer at the end of the file). */
async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const buffer = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

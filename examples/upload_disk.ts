/**
 * Uploads a disk image file, raw or qcow2, into a new floating disk: creates a disk of
 * the image's virtual size, waits until it is ready, sends the bytes through an image
 * transfer with a progress bar, and waits until the disk is ready again.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/upload_disk.ts
 * --file disk.img [--name NAME] [--storage-domain data] [--disk-format raw|cow] [--sparse]`
 * (the disk is named after the file by default, in the image's own format)
 *
 * @module
 */

import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import {
  Connection,
  connectionOptionsFromEnv,
  progressBar,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    file: { type: "string" },
    name: { type: "string" },
    "storage-domain": { type: "string", default: "data" },
    "disk-format": { type: "string" },
    sparse: { type: "boolean", default: false },
  },
  strict: false,
});
if (typeof values.file !== "string") throw new Error("Pass the image to upload: --file disk.img");
const path = values.file;

/** The format and virtual size of an image file; a qcow2 image says its size in its header. */
async function imageInfo(path: string) {
  using file = await Deno.open(path);
  const { size } = await file.stat();
  const header = new Uint8Array(32);
  const view = new DataView(header.buffer);
  if (await file.read(header) === 32 && view.getUint32(0) === 0x514649fb) {
    return { format: types.DiskFormat.COW, virtualSize: Number(view.getBigUint64(24)), size };
  }
  return { format: types.DiskFormat.RAW, virtualSize: size, size };
}

const image = await imageInfo(path);
const diskFormat = values["disk-format"] === undefined
  ? image.format
  : values["disk-format"] === "raw"
  ? types.DiskFormat.RAW
  : types.DiskFormat.COW;
if (image.format === types.DiskFormat.COW && diskFormat === types.DiskFormat.RAW) {
  throw new Error("A qcow2 image goes into a cow disk; convert it to raw first");
}
console.log(`Image ${path}: ${image.format}, virtual size ${image.virtualSize} bytes`);

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();

const disk = await disksService.add({
  name: typeof values.name === "string" ? values.name : basename(path, extname(path)),
  description: `Uploaded from ${basename(path)}`,
  contentType: types.DiskContentType.DATA,
  format: diskFormat,
  sparse: values.sparse === true,
  provisionedSize: image.virtualSize,
  // Block storage allocates a qcow2 disk this big up front.
  initialSize: image.format === types.DiskFormat.COW ? image.size : undefined,
  storageDomains: [{ name: String(values["storage-domain"]) }],
});
const diskService = disksService.diskService(disk.id!);
await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Created disk ${disk.name} (${disk.id})`);

// Raw bytes are converted to the disk's format on the host; qcow2 bytes are written as they are.
const file = await Deno.open(path);
await uploadDisk(connection, disk.id!, file.readable, image.size, {
  format: image.format,
  onProgress: progressBar("Uploading"),
});
await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Uploaded ${image.size} bytes into disk ${disk.name}`);

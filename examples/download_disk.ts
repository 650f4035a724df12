/**
 * Downloads a disk into a file through an image transfer, with a progress bar. By
 * default the bytes come as raw guest data, whatever the disk's format.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk.ts [--disk vm003_disk1] [--file vm003_disk1.raw] [--format raw|cow]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, downloadDisk, progressBar, types } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    disk: { type: "string", default: "vm003_disk1" },
    file: { type: "string" },
    format: { type: "string", default: "raw" },
  },
  strict: false,
});
const format = values.format === "cow" ? types.DiskFormat.COW : types.DiskFormat.RAW;
const path = typeof values.file === "string"
  ? values.file
  : `${values.disk}.${format === types.DiskFormat.COW ? "qcow2" : "raw"}`;

await using connection = new Connection(connectionOptionsFromEnv());
const [disk] = await connection.systemService().disksService().list({
  search: `name=${values.disk}`,
});
if (!disk) throw new Error(`No disk named ${values.disk}`);
console.log(`Downloading disk ${disk.name} (${disk.id}, ${disk.provisionedSize} bytes)...`);

const file = await Deno.open(path, { write: true, create: true, truncate: true });
const written = await downloadDisk(connection, disk.id!, file.writable, {
  format,
  onProgress: progressBar("Downloading"),
});
console.log(`Downloaded ${written} bytes to ${path}`);

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
import {
  Connection,
  connectionOptionsFromEnv,
  downloadDisk,
  type TransferProgress,
  types,
} from "../mod.ts";

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

/** Shows progress: one line redrawn in place on a terminal, a line per 10% otherwise. */
function progressBar(label: string): (progress: TransferProgress) => void {
  const terminal = Deno.stdout.isTerminal();
  const encoder = new TextEncoder();
  let shownTenths = -1;
  return ({ transferred, total }) => {
    const percent = total > 0 && Number.isFinite(total) ? Math.floor(100 * transferred / total) : 0;
    const line = `${label} ${percent}% (${(transferred / 1024 ** 2).toFixed(1)} MiB)`;
    if (terminal) {
      Deno.stdout.writeSync(encoder.encode(`\r${line}${transferred >= total ? "\n" : ""}`));
    } else if (Math.floor(percent / 10) > shownTenths) {
      shownTenths = Math.floor(percent / 10);
      console.log(line);
    }
  };
}

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

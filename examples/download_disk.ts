/**
 * Downloads a disk into a file with one call to `downloadImage`, with a progress bar: only
 * the areas that hold data are fetched (several connections at once), and the file's zero
 * areas stay holes. By default the bytes come as raw guest data, whatever the disk's
 * format. An existing file is replaced. Ctrl-C stops the download: the transfer is cancelled
 * and the partial file removed (an existing file stays as it was); a second Ctrl-C exits at
 * once, naming the transfer it leaves.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk.ts [--disk vm003_disk1|ID] [--file vm003_disk1.raw] [--format raw|cow]
 * [--connections 4] [--use-proxy]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  downloadImage,
  progressBar,
  scriptArgs,
  types,
} from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_disk.ts [--disk vm003_disk1|ID] [--file vm003_disk1.raw] [--format raw|cow] [--connections 4] [--use-proxy]";

const { values, usage, integer } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm003_disk1" },
  file: { type: "string" },
  format: { type: "string", default: "raw" },
  connections: { type: "string", default: "4" },
  "use-proxy": { type: "boolean", default: false },
});
const connections = integer("connections", values.connections);
if (values.format !== "raw" && values.format !== "cow") {
  usage(`--format takes raw or cow, not ${JSON.stringify(values.format)}`);
}
const format = values.format === "cow" ? types.DiskFormat.COW : types.DiskFormat.RAW;
const path = typeof values.file === "string"
  ? values.file
  : `${values.disk}.${format === types.DiskFormat.COW ? "qcow2" : "raw"}`;

await using connection = new Connection(connectionOptionsFromEnv());
using interrupt = onCtrlC();
const disk = found(
  await findDisk(connection.systemService().disksService(), values.disk, {
    signal: interrupt.signal,
  }),
  `No disk with name or id ${values.disk}`,
);
console.log(`Downloading disk ${disk.name} (${disk.id}, ${disk.provisionedSize} bytes)...`);

// A second Ctrl-C names the transfer the download has made, until it settles.
const { stats } = await interrupt.tracking((note) =>
  downloadImage(connection, disk.id!, path, {
    format,
    overwrite: true,
    connections: connections,
    useProxy: values["use-proxy"] === true,
    onProgress: progressBar("Downloading"),
    signal: interrupt.signal,
    onTransfer: (transfer) => note(`image transfer ${transfer.id} of disk ${disk.name}`),
  })
);
console.log(`Downloaded ${stats.size} bytes to ${path} (${stats.dataBytes} bytes of data fetched)`);

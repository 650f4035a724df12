/**
 * Downloads a disk into a file with one call to `downloadImage`, with a progress bar: only
 * the areas that hold data are fetched (several connections at once), and the file's zero
 * areas stay holes. By default the bytes come as raw guest data, whatever the disk's
 * format. An existing file is replaced.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk.ts [--disk vm003_disk1] [--file vm003_disk1.raw] [--format raw|cow]
 * [--connections 4] [--use-proxy]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, downloadImage, progressBar, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_disk.ts [--disk vm003_disk1] [--file vm003_disk1.raw] [--format raw|cow] [--connections 4] [--use-proxy]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        disk: { type: "string", default: "vm003_disk1" },
        file: { type: "string" },
        format: { type: "string", default: "raw" },
        connections: { type: "string", default: "4" },
        "use-proxy": { type: "boolean", default: false },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();
const connections = integer("connections", values.connections);
if (values.format !== "raw" && values.format !== "cow") {
  usage(`--format takes raw or cow, not ${JSON.stringify(values.format)}`);
}
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

const { stats } = await downloadImage(connection, disk.id!, path, {
  format,
  overwrite: true,
  connections: connections,
  useProxy: values["use-proxy"] === true,
  onProgress: progressBar("Downloading"),
});
console.log(`Downloaded ${stats.size} bytes to ${path} (${stats.dataBytes} bytes of data fetched)`);

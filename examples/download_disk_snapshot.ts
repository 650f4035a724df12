/**
 * Downloads a snapshot of a disk into a file, with a progress bar: the disk's data as
 * the snapshot froze it, as raw guest data (a sparse file: zero areas stay holes). By
 * default the disk's newest snapshot. An existing file is replaced.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk_snapshot.ts [--disk vm001_disk1] [--snapshot-id ID] [--file PATH]`
 * (the file is `<snapshot id>.raw` by default)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, downloadImage, progressBar } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_disk_snapshot.ts [--disk vm001_disk1] [--snapshot-id ID] [--file PATH]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        disk: { type: "string", default: "vm001_disk1" },
        "snapshot-id": { type: "string" },
        file: { type: "string" },
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

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const [disk] = await systemService.disksService().list({ search: `name=${values.disk}` });
if (!disk) throw new Error(`No disk named ${values.disk}`);

// The disk's snapshots, oldest first (without the active layer).
const snapshots = await systemService.disksService().diskService(disk.id!)
  .diskSnapshotsService().list();
const snapshot = values["snapshot-id"] === undefined
  ? snapshots.at(-1)
  : snapshots.find((item) => item.id === values["snapshot-id"]);
if (!snapshot) throw new Error(`Disk ${disk.name} has no such snapshot`);
const path = typeof values.file === "string" ? values.file : `${snapshot.id}.raw`;

console.log(`Downloading snapshot ${snapshot.id} of disk ${disk.name} to ${path}...`);
// The transfer names the snapshot rather than the disk.
await downloadImage(connection, disk.id!, path, {
  transfer: { snapshot: { id: snapshot.id } },
  overwrite: true,
  onProgress: progressBar("Downloading"),
});
console.log(`Downloaded snapshot ${snapshot.id} to ${path}`);

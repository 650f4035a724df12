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

import {
  Connection,
  connectionOptionsFromEnv,
  downloadImage,
  progressBar,
  scriptArgs,
} from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_disk_snapshot.ts [--disk vm001_disk1] [--snapshot-id ID] [--file PATH]";

const { values } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm001_disk1" },
  "snapshot-id": { type: "string" },
  file: { type: "string" },
});

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

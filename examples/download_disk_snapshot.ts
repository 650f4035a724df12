/**
 * Downloads a snapshot of a disk into a file, with a progress bar: the disk's data as
 * the snapshot froze it, as raw guest data (a sparse file: zero areas stay holes). By
 * default the disk's newest snapshot. An existing file is replaced. Ctrl-C stops the
 * download: the transfer is cancelled and the partial file removed; a second Ctrl-C exits at
 * once, naming the transfer it leaves.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk_snapshot.ts [--disk vm001_disk1|ID] [--snapshot-id ID] [--file PATH]`
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
import { findDisk } from "./lib/find_disk.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_disk_snapshot.ts [--disk vm001_disk1|ID] [--snapshot-id ID] [--file PATH]";

const { values } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm001_disk1" },
  "snapshot-id": { type: "string" },
  file: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
using interrupt = onCtrlC();
const disk = found(
  await findDisk(systemService.disksService(), values.disk, {
    signal: interrupt.signal,
  }),
  `No disk with name or id ${values.disk}`,
);

// The disk's snapshots, oldest first (without the active layer).
const snapshots = await systemService.disksService().diskService(disk.id!)
  .diskSnapshotsService().list({ signal: interrupt.signal });
const snapshotId = values["snapshot-id"];
const snapshot = snapshotId === undefined
  ? found(snapshots.at(-1), `Disk ${disk.name} has no snapshots`)
  : found(
    snapshots.find((item) => item.id === snapshotId),
    `Disk ${disk.name} has no snapshot ${snapshotId}`,
  );
const path = typeof values.file === "string" ? values.file : `${snapshot.id}.raw`;

console.log(`Downloading snapshot ${snapshot.id} of disk ${disk.name} to ${path}...`);
// The transfer names the snapshot rather than the disk.
// A second Ctrl-C names the transfer the download has made, until it settles.
await interrupt.tracking((note) =>
  downloadImage(connection, disk.id!, path, {
    transfer: { snapshot: { id: snapshot.id } },
    overwrite: true,
    onProgress: progressBar("Downloading"),
    signal: interrupt.signal,
    onTransfer: (transfer) =>
      note(`image transfer ${transfer.id} of snapshot ${snapshot.id} of disk ${disk.name}`),
  })
);
console.log(`Downloaded snapshot ${snapshot.id} to ${path}`);

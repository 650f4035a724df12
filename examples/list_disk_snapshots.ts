/**
 * Shows the snapshot chain of a disk as JSON: its layers from the base image to the
 * active one, each with its id, parent, format, status and allocated size.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_disk_snapshots.ts
 * [--disk vm001_disk1|ID]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, type types } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_disk_snapshots.ts [--disk vm001_disk1|ID]";

const { values } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm001_disk1" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const disk = found(
  await findDisk(disksService, values.disk),
  `No disk with name or id ${values.disk}`,
);

// `includeActive`: the layer the VM writes to comes too, at the top of the chain.
const snapshots = await disksService.diskService(disk.id!).diskSnapshotsService().list({
  includeActive: true,
});

// Rebuild the chain from the parent links, starting at the layer without a parent.
const byParent = new Map<string | undefined, types.DiskSnapshot>(
  snapshots.map((snapshot) => [snapshot.parent?.id, snapshot]),
);
const chain = [];
for (let layer = byParent.get(undefined); layer; layer = byParent.get(layer.id)) {
  chain.push({
    id: layer.id,
    parent: layer.parent?.id,
    format: layer.format,
    status: layer.status,
    actualSize: layer.actualSize,
  });
}
console.log(JSON.stringify(chain, null, 2));

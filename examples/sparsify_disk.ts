/**
 * Sparsifies a raw, sparse (thin) disk: frees the storage of the blocks the guest no longer
 * uses, so that the disk takes less space. The engine refuses to sparsify a qcow2 (`cow`)
 * disk, a preallocated one or a direct LUN, and so does the script, before asking. The disk's
 * VM must be down. Waits until the disk is unlocked again.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/sparsify_disk.ts
 * --disk NAME|ID`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/sparsify_disk.ts --disk NAME|ID";

const { values, usage } = scriptArgs(USAGE, {
  disk: { type: "string" },
});
if (!values.disk) throw usage("Name the disk to sparsify (a raw, sparse one) with --disk");

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const disk = found(
  await findDisk(disksService, values.disk),
  `No disk with name or id ${values.disk}`,
);
if (disk.storageType !== undefined && disk.storageType !== types.DiskStorageType.IMAGE) {
  throw new Refused(
    `Disk ${disk.name} is a ${disk.storageType} disk: only image disks can be sparsified`,
  );
}
if (disk.format !== types.DiskFormat.RAW || disk.sparse !== true) {
  const kind = disk.format === types.DiskFormat.RAW ? "preallocated" : "qcow2";
  throw new Refused(`Disk ${disk.name} is ${kind}: only raw, sparse disks can be sparsified`);
}
const diskService = disksService.diskService(disk.id!);

await diskService.sparsify();
console.log(`Sparsifying disk ${disk.name} (${disk.actualSize} bytes allocated)...`);
const sparsified = await waitForStatus(diskService, types.DiskStatus.OK, {
  failOn: [types.DiskStatus.ILLEGAL],
});
console.log(`Disk ${sparsified.name} was sparsified; it takes ${sparsified.actualSize} bytes`);

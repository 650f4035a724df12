/**
 * Reduces the allocation of a disk on block storage (iSCSI, FC) to what its data needs:
 * useful after a disk was extended, its last snapshot deleted, or it was moved while its
 * VM ran. The engine refuses to reduce a disk on a file domain (NFS, ...), a shareable disk
 * or a direct LUN, and so does the script, before asking. The disk's VM must be down. Waits
 * until the disk is unlocked again.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts
 * --disk NAME|ID`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { isBlockDomain } from "./lib/allocation.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts --disk NAME|ID";

const { values, usage } = scriptArgs(USAGE, {
  disk: { type: "string" },
});
if (!values.disk) throw usage("Name the disk to reduce (one on block storage) with --disk");

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const disksService = systemService.disksService();
const disk = found(
  await findDisk(disksService, values.disk),
  `No disk with name or id ${values.disk}`,
);
if (disk.storageType !== undefined && disk.storageType !== types.DiskStorageType.IMAGE) {
  throw new Refused(
    `Disk ${disk.name} is a ${disk.storageType} disk: only image disks can be reduced`,
  );
}
if (disk.shareable === true) {
  throw new Refused(`Disk ${disk.name} is shareable: it cannot be reduced`);
}
const domain = await systemService.storageDomainsService()
  .storageDomainService(disk.storageDomains![0].id!).get();
if (!isBlockDomain(domain)) {
  throw new Refused(
    `Disk ${disk.name} is on storage domain ${domain.name} (${domain.storage?.type}): only ` +
      "disks on block storage (iSCSI, FC) can be reduced",
  );
}
const diskService = disksService.diskService(disk.id!);

await diskService.reduce();
console.log(`Reducing disk ${disk.name}...`);
const reduced = await waitForStatus(diskService, types.DiskStatus.OK, {
  failOn: [types.DiskStatus.ILLEGAL],
});
console.log(`Disk ${reduced.name} was reduced; it takes ${reduced.actualSize} bytes`);

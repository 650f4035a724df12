/**
 * Reduces the allocation of a disk on block storage (iSCSI, FC) to what its data needs:
 * useful after a disk was extended, its last snapshot deleted, or it was moved while its
 * VM ran. The engine refuses to reduce a disk on a file domain (NFS, ...) or a shareable
 * disk, and so does the script, before asking. The disk's VM must be down. Waits until the disk is unlocked again.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts
 * --disk NAME`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { isBlockDomain } from "./lib/allocation.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts --disk NAME";

const { values, usage } = scriptArgs(USAGE, {
  disk: { type: "string" },
});
if (!values.disk) throw usage("Name the disk to reduce (one on block storage) with --disk");

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const disksService = systemService.disksService();
const disk = await findByName(disksService, values.disk);
if (!disk) throw new Error(`No disk named ${values.disk}`);
if (disk.shareable === true) {
  throw new Error(`Disk ${disk.name} is shareable: it cannot be reduced`);
}
const domain = await systemService.storageDomainsService()
  .storageDomainService(disk.storageDomains![0].id!).get();
if (!isBlockDomain(domain)) {
  throw new Error(
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

/**
 * Reduces a disk's allocation to what its data needs: useful on block storage (iSCSI,
 * FC) after a disk was extended, its last snapshot deleted, or it was moved while its
 * VM ran. The disk's VM must be down. Waits until the disk is unlocked again.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts
 * [--disk vm003_disk1]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/reduce_disk.ts [--disk vm003_disk1]";

const { values } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm003_disk1" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const [disk] = await disksService.list({ search: `name=${values.disk}` });
if (!disk) throw new Error(`No disk named ${values.disk}`);
const diskService = disksService.diskService(disk.id!);

await diskService.reduce();
console.log(`Reducing disk ${disk.name}...`);
const reduced = await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Disk ${reduced.name} was reduced; it takes ${reduced.actualSize} bytes`);

/**
 * Sparsifies a disk: frees the storage of the blocks the guest no longer uses, so that a
 * thin-provisioned disk takes less space. The disk's VM must be down. Waits until the
 * disk is unlocked again.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/sparsify_disk.ts
 * [--disk vm003_disk1]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/sparsify_disk.ts [--disk vm003_disk1]";

const { values } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm003_disk1" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const [disk] = await disksService.list({ search: `name=${values.disk}` });
if (!disk) throw new Error(`No disk named ${values.disk}`);
const diskService = disksService.diskService(disk.id!);

await diskService.sparsify();
console.log(`Sparsifying disk ${disk.name} (${disk.actualSize} bytes allocated)...`);
const sparsified = await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Disk ${sparsified.name} was sparsified; it takes ${sparsified.actualSize} bytes`);

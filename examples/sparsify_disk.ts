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

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/sparsify_disk.ts [--disk vm003_disk1]";

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
        disk: { type: "string", default: "vm003_disk1" },
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
const disksService = connection.systemService().disksService();
const [disk] = await disksService.list({ search: `name=${values.disk}` });
if (!disk) throw new Error(`No disk named ${values.disk}`);
const diskService = disksService.diskService(disk.id!);

await diskService.sparsify();
console.log(`Sparsifying disk ${disk.name} (${disk.actualSize} bytes allocated)...`);
const sparsified = await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Disk ${sparsified.name} was sparsified; it takes ${sparsified.actualSize} bytes`);

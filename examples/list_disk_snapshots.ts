/**
 * Shows the snapshot chain of a disk as JSON: its layers from the base image to the
 * active one, each with its id, parent, format, status and allocated size.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_disk_snapshots.ts
 * [--disk vm001_disk1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, type types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_disk_snapshots.ts [--disk vm001_disk1]";

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

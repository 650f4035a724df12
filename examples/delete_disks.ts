/**
 * Deletes many disks quickly: every disk whose name matches a search pattern (by default
 * `disk-*`, the disks `add_disks.ts` makes) is removed, then the script waits until
 * they are all gone.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/delete_disks.ts
 * [--name "disk-*"]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, waitFor } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { name: { type: "string", default: "disk-*" } },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const search = `name=${values.name}`;

const disks = await disksService.list({ search });
for (const disk of disks) {
  await disksService.diskService(disk.id!).remove();
  console.log(`Removing disk ${disk.name} (${disk.id})`);
}

console.log("Waiting until the disks are gone...");
await waitFor(() => disksService.list({ search }), (left) => left.length === 0);
console.log(`Deleted ${disks.length} disks`);

/**
 * Deletes many disks quickly: every disk whose name matches a search pattern (such as
 * `disk-*`, the disks `add_disks.ts` makes; there is no default) is removed, then the
 * script waits until they are all gone.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/delete_disks.ts
 * --name PATTERN`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  scriptArgs,
  searchQuery,
  waitFor,
  where,
} from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/delete_disks.ts --name PATTERN";

const { values, usage } = scriptArgs(USAGE, {
  name: { type: "string" },
});
if (!values.name) {
  usage('Name the disks to delete (a name or a pattern such as "disk-*") with --name');
}

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
// Quoted (a space is part of the pattern) and compared with case, as the pattern is written.
const query = searchQuery(where.like("name", String(values.name)));
const matching = async () => {
  const disks = await disksService.list({ search: query.text, caseSensitive: true });
  return query.filter(disks, { caseSensitive: true });
};

const disks = await matching();
for (const disk of disks) {
  await disksService.diskService(disk.id!).remove();
  console.log(`Removing disk ${disk.name} (${disk.id})`);
}

console.log("Waiting until the disks are gone...");
await waitFor(matching, (left) => left.length === 0);
console.log(`Deleted ${disks.length} disks`);

/**
 * Searches virtual machines with the engine's search language (the same queries as the
 * search bar of the administration portal) and prints what it finds.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/search_vms.ts
 * [--query "name=vm* and status=up"] [--case-sensitive]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/search_vms.ts [--query "name=vm* and status=up"] [--case-sensitive]';

const { values } = scriptArgs(USAGE, {
  query: { type: "string", default: "name=vm* and status=up" },
  "case-sensitive": { type: "boolean", default: false },
});

await using connection = new Connection(connectionOptionsFromEnv());

const vms = await connection.systemService().vmsService().list({
  search: String(values.query),
  caseSensitive: values["case-sensitive"] === true,
});
console.log(`${vms.length} VM(s) match "${values.query}":`);
for (const vm of vms) console.log(`  ${vm.name}: ${vm.status}`);

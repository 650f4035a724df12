/**
 * Searches virtual machines with the engine's search language (the same queries as the
 * search bar of the administration portal) and prints what it finds.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/search_vms.ts
 * [--query "name=vm* and status=up"] [--case-sensitive]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/search_vms.ts [--query "name=vm* and status=up"] [--case-sensitive]';

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
        query: { type: "string", default: "name=vm* and status=up" },
        "case-sensitive": { type: "boolean", default: false },
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

const vms = await connection.systemService().vmsService().list({
  search: String(values.query),
  caseSensitive: values["case-sensitive"] === true,
});
console.log(`${vms.length} VM(s) match "${values.query}":`);
for (const vm of vms) console.log(`  ${vm.name}: ${vm.status}`);

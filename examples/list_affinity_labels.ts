/**
 * Lists the affinity labels with the virtual machines and hosts that carry them.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_affinity_labels.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_affinity_labels.ts";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

try {
  parseArgs({
    args: Deno.args,
    options: {
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

await using connection = new Connection(connectionOptionsFromEnv());

const labels = await connection.systemService().affinityLabelsService().list();
for (const label of labels) {
  console.log(`${label.name}:`);
  // `vms` and `hosts` come as links to lists of references: follow them, then each item.
  for (const [kind, links] of [["VM", label.vms], ["host", label.hosts]] as const) {
    for (const link of await connection.followLink(links!)) {
      const member = await connection.followLink(link);
      console.log(`  ${kind} ${member.name}`);
    }
  }
}

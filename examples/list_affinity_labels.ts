/**
 * Lists the affinity labels with the virtual machines and hosts that carry them.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_affinity_labels.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_affinity_labels.ts";

scriptArgs(USAGE, {});

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

/**
 * Creates an affinity label. Labels group VMs and hosts: a VM with a label runs only
 * on hosts with the same label (see `assign_affinity_label_to_vm.ts`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_affinity_label.ts
 * [--name mylabel]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_affinity_label.ts [--name mylabel]";

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
        name: { type: "string", default: "mylabel" },
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

const label = await connection.systemService().affinityLabelsService().add({
  name: String(values.name),
});
console.log(`Added affinity label ${label.name} (${label.id})`);

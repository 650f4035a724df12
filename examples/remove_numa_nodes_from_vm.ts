/**
 * Removes every virtual NUMA node of a virtual machine, from the highest index down (the
 * engine keeps the indexes contiguous, so only the last node can be removed).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_numa_nodes_from_vm.ts
 * --vm NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_numa_nodes_from_vm.ts --vm NAME";

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
        vm: { type: "string" },
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
if (!values.vm) usage("Name the VM whose NUMA nodes to remove with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

// Exactly that name: in a search, `*` would match others too.
const vm = (await vmsService.list({ search: `name=${values.vm}` }))
  .find((found) => found.name === values.vm);
if (!vm) throw new Error(`No VM named ${values.vm}`);

const nodesService = vmsService.vmService(vm.id!).numaNodesService();
const nodes = await nodesService.list();
nodes.sort((a, b) => Number(b.index ?? 0) - Number(a.index ?? 0));
for (const node of nodes) {
  await nodesService.nodeService(node.id!).remove();
  console.log(`Removed NUMA node ${node.index} (${node.id})`);
}
console.log(`VM ${vm.name} has no NUMA nodes left (${nodes.length} removed)`);

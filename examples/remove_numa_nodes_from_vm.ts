/**
 * Removes every virtual NUMA node of a virtual machine, from the highest index down (the
 * engine keeps the indexes contiguous, so only the last node can be removed).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_numa_nodes_from_vm.ts
 * --vm NAME`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_numa_nodes_from_vm.ts --vm NAME";

const { values, usage } = scriptArgs(USAGE, {
  vm: { type: "string" },
});
if (!values.vm) throw usage("Name the VM whose NUMA nodes to remove with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const nodesService = vmsService.vmService(vm.id!).numaNodesService();
const nodes = await nodesService.list();
nodes.sort((a, b) => Number(b.index ?? 0) - Number(a.index ?? 0));
for (const node of nodes) {
  await nodesService.nodeService(node.id!).remove();
  console.log(`Removed NUMA node ${node.index} (${node.id})`);
}
console.log(`VM ${vm.name} has no NUMA nodes left (${nodes.length} removed)`);

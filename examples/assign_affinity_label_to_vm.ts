/**
 * Assigns an affinity label to a virtual machine: the scheduler then runs it only on
 * hosts that carry the same label.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_affinity_label_to_vm.ts
 * [--vm vm002] [--label ssd]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_affinity_label_to_vm.ts [--vm vm002] [--label ssd]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm002" },
  label: { type: "string", default: "ssd" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

// Affinity labels cannot be searched: list them and pick the one by name.
const labels = await systemService.affinityLabelsService().list();
const label = found(
  labels.find((candidate) => candidate.name === values.label),
  `No affinity label named ${values.label}`,
);

await vmsService.vmService(vm.id!).affinityLabelsService().add({ id: label.id });
console.log(`Assigned affinity label ${label.name} to VM ${vm.name}`);

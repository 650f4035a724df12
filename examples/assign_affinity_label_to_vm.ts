/**
 * Assigns an affinity label to a virtual machine: the scheduler then runs it only on
 * hosts that carry the same label.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_affinity_label_to_vm.ts
 * [--vm vm002] [--label ssd]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_affinity_label_to_vm.ts [--vm vm002] [--label ssd]";

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
        vm: { type: "string", default: "vm002" },
        label: { type: "string", default: "ssd" },
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
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

// Affinity labels cannot be searched: list them and pick the one by name.
const labels = await systemService.affinityLabelsService().list();
const label = labels.find((candidate) => candidate.name === values.label);
if (!label) throw new Error(`No affinity label named ${values.label}`);

await vmsService.vmService(vm.id!).affinityLabelsService().add({ id: label.id });
console.log(`Assigned affinity label ${label.name} to VM ${vm.name}`);

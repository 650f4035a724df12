/**
 * Powers off a virtual machine (like pulling the plug; use `shutdown` for a clean guest
 * shutdown) and waits until it is down.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/stop_vm.ts [--vm vm001]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { vm: { type: "string", default: "vm001" } },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.stop();
console.log(`Powering off VM ${vm.name}`);

await waitForStatus(vmService, types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down`);

/**
 * Removes a virtual machine and its disks. A running VM is powered off first.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_vm.ts
 * [--vm vm003]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitFor, waitForStatus } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { vm: { type: "string", default: "vm003" } },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

if (vm.status !== types.VmStatus.DOWN) {
  console.log(`VM ${vm.name} is ${vm.status}, powering it off`);
  await vmService.stop();
  await waitForStatus(vmService, types.VmStatus.DOWN);
}

await vmService.remove();
// The engine may keep the VM for a while, locked, until its disks are removed.
await waitFor(
  () => vmsService.list({ search: `name=${vm.name}` }),
  (found) => found.length === 0,
  { description: `VM ${vm.name} gone` },
);
console.log(`Removed VM ${vm.name} (${vm.id})`);

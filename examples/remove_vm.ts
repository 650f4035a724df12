/**
 * Removes a virtual machine and its disks. A running VM is powered off first.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_vm.ts
 * --vm NAME`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitFor,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_vm.ts --vm NAME";

const { values, usage } = scriptArgs(USAGE, {
  vm: { type: "string" },
});
if (!values.vm) throw usage("Name the VM to remove with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

if (vm.status !== types.VmStatus.DOWN) {
  console.log(`VM ${vm.name} is ${vm.status}, powering it off`);
  await vmService.stop();
  await waitForStatus(vmService, types.VmStatus.DOWN);
}

await vmService.remove();
// The engine may keep the VM for a while, locked, until its disks are removed.
await waitFor(
  (signal) => findByName(vmsService, vm.name!, { signal }),
  (current) => current === undefined,
  { description: `VM ${vm.name} gone` },
);
console.log(`Removed VM ${vm.name} (${vm.id})`);

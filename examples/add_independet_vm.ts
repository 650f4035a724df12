/**
 * Creates a virtual machine from a template as an independent copy: with `clone=true` the
 * template's disks are copied instead of being used as a base, so the VM no longer depends
 * on the template. Waits until the disks are copied (the VM is down).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_independet_vm.ts
 * [--name myvm] [--cluster Default] [--template centos9]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_independet_vm.ts [--name myvm] [--cluster Default] [--template centos9]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myvm" },
  cluster: { type: "string", default: "Default" },
  template: { type: "string", default: "centos9" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = await vmsService.add({
  name: String(values.name),
  cluster: { name: String(values.cluster) },
  template: { name: String(values.template) },
}, { clone: true });
console.log(`Added VM ${vm.name} (${vm.id}) from template ${values.template}, status ${vm.status}`);

await waitForStatus(vmsService.vmService(vm.id!), types.VmStatus.DOWN);
console.log(`The disks of ${vm.name} are copied, the VM is down and independent of the template`);

/**
 * Creates a virtual machine from the Blank template in the `Default` cluster, with
 * 2 GiB of memory, and waits until it is down (created and ready to start).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm.ts [--name myvm]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm.ts [--name myvm]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myvm" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = await vmsService.add({
  name: String(values.name),
  cluster: { name: "Default" },
  template: { name: "Blank" },
  memory: 2 * 1024 ** 3,
});
console.log(`Added VM ${vm.name} (${vm.id}), status ${vm.status}`);

await waitForStatus(vmsService.vmService(vm.id!), types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down and ready to start`);

/**
 * Prints the IP addresses of a running virtual machine, as its guest agent reports them
 * (one reported device per network interface of the guest).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/get_vm_ip.ts [--vm vm001]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/get_vm_ip.ts [--vm vm001]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const devices = await vmsService.vmService(vm.id!).reportedDevicesService().list();
console.log(`IP addresses of VM ${vm.name}:`);
for (const device of devices) {
  for (const ip of device.ips ?? []) {
    console.log(`  ${ip.address} (${ip.version}, ${device.name}, MAC ${device.mac?.address})`);
  }
}
if (devices.length === 0) console.log("  none reported (is the VM up, with a guest agent?)");

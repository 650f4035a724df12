/**
 * Prints the IP addresses of a running virtual machine, as its guest agent reports them
 * (one reported device per network interface of the guest).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/get_vm_ip.ts [--vm vm001]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/get_vm_ip.ts [--vm vm001]";

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
        vm: { type: "string", default: "vm001" },
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
const vmsService = connection.systemService().vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

const devices = await vmsService.vmService(vm.id!).reportedDevicesService().list();
console.log(`IP addresses of VM ${vm.name}:`);
for (const device of devices) {
  for (const ip of device.ips ?? []) {
    console.log(`  ${ip.address} (${ip.version}, ${device.name}, MAC ${device.mac?.address})`);
  }
}
if (devices.length === 0) console.log("  none reported (is the VM up, with a guest agent?)");

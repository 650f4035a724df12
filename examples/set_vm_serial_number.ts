/**
 * Gives a virtual machine a custom serial number (what the guest reads as its SMBIOS
 * system serial number).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/set_vm_serial_number.ts
 * [--vm vm003] [--serial myserial]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/set_vm_serial_number.ts [--vm vm003] [--serial myserial]";

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
        vm: { type: "string", default: "vm003" },
        serial: { type: "string", default: "myserial" },
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

const updated = await vmsService.vmService(vm.id!).update({
  serialNumber: { policy: types.SerialNumberPolicy.CUSTOM, value: String(values.serial) },
});
console.log(`Serial number of VM ${updated.name}: ${updated.serialNumber?.value}`);

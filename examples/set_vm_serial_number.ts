/**
 * Gives a virtual machine a custom serial number (what the guest reads as its SMBIOS
 * system serial number).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/set_vm_serial_number.ts
 * [--vm vm003] [--serial myserial]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/set_vm_serial_number.ts [--vm vm003] [--serial myserial]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  serial: { type: "string", default: "myserial" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const updated = await vmsService.vmService(vm.id!).update({
  serialNumber: { policy: types.SerialNumberPolicy.CUSTOM, value: String(values.serial) },
});
console.log(`Serial number of VM ${updated.name}: ${updated.serialNumber?.value}`);

/**
 * Enables the serial console of a virtual machine (reachable through the engine's serial
 * console proxy with `ssh -t -p 2222 ovirt-vmconsole@engine`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/enable_serial_console.ts
 * [--vm vm003]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/enable_serial_console.ts [--vm vm003]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const updated = await vmsService.vmService(vm.id!).update({ console: { enabled: true } });
console.log(`Serial console of VM ${updated.name}: ${updated.console?.enabled ? "on" : "off"}`);

/**
 * Adds a VNC graphics console to a virtual machine, unless it already has one.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vnc_console.ts
 * [--vm vm003]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vnc_console.ts [--vm vm003]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const consolesService = vmsService.vmService(vm.id!).graphicsConsolesService();
const consoles = await consolesService.list();
if (consoles.some((console) => console.protocol === types.GraphicsType.VNC)) {
  console.log(`VM ${vm.name} already has a VNC console`);
} else {
  const added = await consolesService.add({ protocol: types.GraphicsType.VNC });
  console.log(`Added VNC console ${added.id} to VM ${vm.name}`);
}

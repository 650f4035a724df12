/**
 * Gets what a client needs to open the graphics console of a running virtual machine:
 * the address and ports the console listens on and a one-time password (a ticket). A VM
 * may have consoles for several protocols (VNC, SPICE); the protocol is chosen explicitly.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/get_display_ticket.ts
 * [--vm vm001] [--protocol vnc]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/get_display_ticket.ts [--vm vm001] [--protocol vnc]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  protocol: { type: "string", default: "vnc" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

// `current: true` asks for the running console: without it there is no address or port.
const consolesService = vmsService.vmService(vm.id!).graphicsConsolesService();
const consoles = await consolesService.list({ current: true });
const graphicsConsole = found(
  consoles.find((candidate) => candidate.protocol === values.protocol),
  `VM ${vm.name} has no ${values.protocol} console`,
);

// A console listens only while the VM runs: a VM that is down has no address to give.
if (!graphicsConsole.address || !graphicsConsole.port) {
  console.error(`VM ${vm.name} is ${vm.status}: its ${values.protocol} console has no address`);
  Deno.exitCode = 1;
} else {
  const ticket = await consolesService.consoleService(graphicsConsole.id!).ticket();
  if (!ticket) throw new Error("The engine's answer holds no ticket");
  console.log(`${values.protocol} console of VM ${vm.name}:`);
  console.log(`  address: ${graphicsConsole.address}`);
  console.log(`  port: ${graphicsConsole.port}`);
  console.log(`  tls port: ${graphicsConsole.tlsPort ?? "none"}`);
  console.log(`  password: ${ticket.value} (valid for ${ticket.expiry} s)`);
}

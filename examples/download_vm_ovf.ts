/**
 * Saves the OVF configuration of a virtual machine (what the engine stores about it, in
 * the Open Virtualization Format) into a file. The engine only sends it when asked for
 * all the content.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_vm_ovf.ts [--vm vm001] [--output <vm id>.ovf]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_vm_ovf.ts [--vm vm001] [--output <vm id>.ovf]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  output: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const vmsService = connection.systemService().vmsService();
const named = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vm = await vmsService.vmService(named.id!).get({ allContent: true });
const ovf = vm.initialization?.configuration?.data;
if (!ovf) throw new Error(`The engine sent no OVF for VM ${vm.name}`);

const output = String(values.output ?? `${vm.id}.ovf`);
await Deno.writeTextFile(output, ovf);
console.log(`Saved the OVF of VM ${vm.name} (${ovf.length} characters) to ${output}`);

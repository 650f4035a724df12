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

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/download_vm_ovf.ts [--vm vm001] [--output <vm id>.ovf]";

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
        output: { type: "string" },
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

const [vm] = await connection.systemService().vmsService().list({
  search: `name=${values.vm}`,
  allContent: true,
});
if (!vm) throw new Error(`No VM named ${values.vm}`);
const ovf = vm.initialization?.configuration?.data;
if (!ovf) throw new Error(`The engine sent no OVF for VM ${vm.name}`);

const output = String(values.output ?? `${vm.id}.ovf`);
await Deno.writeTextFile(output, ovf);
console.log(`Saved the OVF of VM ${vm.name} (${ovf.length} characters) to ${output}`);

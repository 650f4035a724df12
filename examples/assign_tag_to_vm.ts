/**
 * Tags a virtual machine. Tagged VMs can then be found with the search `tag=production`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_tag_to_vm.ts
 * [--vm vm002] [--tag production]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_tag_to_vm.ts [--vm vm002] [--tag production]";

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
        vm: { type: "string", default: "vm002" },
        tag: { type: "string", default: "production" },
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

// A tag is assigned by name (or id) through the tags of the VM.
await vmsService.vmService(vm.id!).tagsService().add({ name: String(values.tag) });
console.log(`Tagged VM ${vm.name} with ${values.tag}`);

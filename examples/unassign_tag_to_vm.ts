/**
 * Takes a tag off a virtual machine (the tag itself stays).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/unassign_tag_to_vm.ts
 * [--vm vm001] [--tag web]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/unassign_tag_to_vm.ts [--vm vm001] [--tag web]";

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
        tag: { type: "string", default: "web" },
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

const tagsService = vmsService.vmService(vm.id!).tagsService();
const tag = (await tagsService.list()).find((candidate) => candidate.name === values.tag);
if (!tag) throw new Error(`VM ${vm.name} has no tag ${values.tag}`);

await tagsService.tagService(tag.id!).remove();
console.log(`Removed tag ${tag.name} from VM ${vm.name}`);

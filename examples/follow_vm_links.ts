/**
 * Follows the links of a virtual machine: the server sends its cluster, template and disk
 * attachments as references (`id` and `href`), and `connection.followLink` fetches what
 * they point to.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/follow_vm_links.ts
 * [--vm vm001]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/follow_vm_links.ts [--vm vm001]";

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

const [vm] = await connection.systemService().vmsService().list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

const cluster = await connection.followLink(vm.cluster!);
const template = await connection.followLink(vm.template!);
console.log(`VM ${vm.name}`);
console.log(`  cluster: ${cluster.name}`);
console.log(`  template: ${template.name}`);
for (const attachment of await connection.followLink(vm.diskAttachments!)) {
  const disk = await connection.followLink(attachment.disk!);
  console.log(`  disk: ${disk.name} (${attachment.interface})`);
}

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

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/follow_vm_links.ts [--vm vm001]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const vm = found(
  await findByName(connection.systemService().vmsService(), values.vm),
  `No VM named ${values.vm}`,
);

const cluster = await connection.followLink(vm.cluster!);
const template = await connection.followLink(vm.template!);
console.log(`VM ${vm.name}`);
console.log(`  cluster: ${cluster.name}`);
console.log(`  template: ${template.name}`);
for (const attachment of await connection.followLink(vm.diskAttachments!)) {
  const disk = await connection.followLink(attachment.disk!);
  console.log(`  disk: ${disk.name} (${attachment.interface})`);
}

/**
 * Lists the tags assigned to a virtual machine.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_tags_of_vm.ts
 * [--vm vm001]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_tags_of_vm.ts [--vm vm001]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const tags = await vmsService.vmService(vm.id!).tagsService().list();
console.log(`VM ${vm.name} has ${tags.length} tag(s):`);
for (const tag of tags) console.log(`  ${tag.name}: ${tag.description ?? ""}`);

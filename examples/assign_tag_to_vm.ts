/**
 * Tags a virtual machine. Tagged VMs can then be found with the search `tag=production`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_tag_to_vm.ts
 * [--vm vm002] [--tag production]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_tag_to_vm.ts [--vm vm002] [--tag production]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm002" },
  tag: { type: "string", default: "production" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

// A tag is assigned by name (or id) through the tags of the VM.
await vmsService.vmService(vm.id!).tagsService().add({ name: String(values.tag) });
console.log(`Tagged VM ${vm.name} with ${values.tag}`);

/**
 * Takes a tag off a virtual machine (the tag itself stays).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/unassign_tag_to_vm.ts
 * [--vm vm001] [--tag web]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/unassign_tag_to_vm.ts [--vm vm001] [--tag web]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  tag: { type: "string", default: "web" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const tagsService = vmsService.vmService(vm.id!).tagsService();
const tag = found(
  (await tagsService.list()).find((candidate) => candidate.name === values.tag),
  `VM ${vm.name} has no tag ${values.tag}`,
);

await tagsService.tagService(tag.id!).remove();
console.log(`Removed tag ${tag.name} from VM ${vm.name}`);

/**
 * Removes a tag. The engine also takes it off every object that carried it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_tag.ts
 * --name NAME`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_tag.ts --name NAME";

const { values, usage } = scriptArgs(USAGE, {
  name: { type: "string" },
});
if (!values.name) throw usage("Name the tag to remove with --name");

await using connection = new Connection(connectionOptionsFromEnv());
const tagsService = connection.systemService().tagsService();

// Tags cannot be searched: list them and pick the one by name.
const tag = found(
  (await tagsService.list()).find((candidate) => candidate.name === values.name),
  `No tag named ${values.name}`,
);

await tagsService.tagService(tag.id!).remove();
console.log(`Removed tag ${tag.name} (${tag.id})`);

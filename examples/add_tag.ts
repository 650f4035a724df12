/**
 * Creates a tag, at the top of the tag tree or below another tag. Tags mark VMs, hosts,
 * users and groups, and can be searched (`tag=mytag`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_tag.ts
 * [--name mytag] [--description "My tag"] [--parent production]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/add_tag.ts [--name mytag] [--description "My tag"] [--parent production]';

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mytag" },
  description: { type: "string", default: "My tag" },
  parent: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const tag = await connection.systemService().tagsService().add({
  name: String(values.name),
  description: String(values.description),
  ...(typeof values.parent === "string" ? { parent: { name: values.parent } } : {}),
});
const where = typeof values.parent === "string" ? `below ${values.parent}` : "at the top";
console.log(`Added tag ${tag.name} (${tag.id}) ${where}`);

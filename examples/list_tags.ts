/**
 * Prints the tags as the tree they form, starting at the root tag.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_tags.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, type types } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_tags.ts";

scriptArgs(USAGE, {});

await using connection = new Connection(connectionOptionsFromEnv());

const tags = await connection.systemService().tagsService().list();
const children = new Map<string | undefined, types.Tag[]>();
for (const tag of tags) {
  const parent = tag.parent?.id;
  children.set(parent, [...children.get(parent) ?? [], tag]);
}

function print(tag: types.Tag, depth: number): void {
  console.log(`${"  ".repeat(depth)}${tag.name}: ${tag.description ?? ""}`);
  for (const child of children.get(tag.id) ?? []) print(child, depth + 1);
}
// The root tag is the only one without a parent.
for (const root of children.get(undefined) ?? []) print(root, 0);

/**
 * Prints the tags as the tree they form, starting at the root tag.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_tags.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, type types } from "../mod.ts";

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_tags.ts";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

try {
  parseArgs({
    args: Deno.args,
    options: {
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

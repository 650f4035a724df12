/**
 * Creates a tag, at the top of the tag tree or below another tag. Tags mark VMs, hosts,
 * users and groups, and can be searched (`tag=mytag`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_tag.ts
 * [--name mytag] [--description "My tag"] [--parent production]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/add_tag.ts [--name mytag] [--description "My tag"] [--parent production]';

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
        name: { type: "string", default: "mytag" },
        description: { type: "string", default: "My tag" },
        parent: { type: "string" },
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

const tag = await connection.systemService().tagsService().add({
  name: String(values.name),
  description: String(values.description),
  ...(typeof values.parent === "string" ? { parent: { name: values.parent } } : {}),
});
const where = typeof values.parent === "string" ? `below ${values.parent}` : "at the top";
console.log(`Added tag ${tag.name} (${tag.id}) ${where}`);

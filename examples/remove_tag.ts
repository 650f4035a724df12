/**
 * Removes a tag. The engine also takes it off every object that carried it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_tag.ts
 * --name NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_tag.ts --name NAME";

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
        name: { type: "string" },
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
if (!values.name) usage("Name the tag to remove with --name");

await using connection = new Connection(connectionOptionsFromEnv());
const tagsService = connection.systemService().tagsService();

// Tags cannot be searched: list them and pick the one by name.
const tag = (await tagsService.list()).find((candidate) => candidate.name === values.name);
if (!tag) throw new Error(`No tag named ${values.name}`);

await tagsService.tagService(tag.id!).remove();
console.log(`Removed tag ${tag.name} (${tag.id})`);

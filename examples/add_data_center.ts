/**
 * Creates a data center with shared storage and a given compatibility version. It stays
 * `uninitialized` until a data storage domain is attached to it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_data_center.ts
 * [--name mydc] [--version 4.7] [--local]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_data_center.ts [--name mydc] [--version 4.7] [--local]";

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
        name: { type: "string", default: "mydc" },
        version: { type: "string", default: "4.7" },
        local: { type: "boolean", default: false },
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

if (!/^[0-9]+\.[0-9]+$/.test(values.version)) {
  usage(`--version takes MAJOR.MINOR (such as 4.7), not ${JSON.stringify(values.version)}`);
}
const [major, minor] = values.version.split(".").map(Number);

await using connection = new Connection(connectionOptionsFromEnv());

const dataCenter = await connection.systemService().dataCentersService().add({
  name: String(values.name),
  description: "Added by the add_data_center example",
  local: values.local === true,
  version: { major, minor },
});
console.log(`Added data center ${dataCenter.name} (${dataCenter.id}), status ${dataCenter.status}`);
console.log(`  compatibility version ${major}.${minor}, local storage: ${dataCenter.local}`);

/**
 * Changes the description of a data center. Only the members given are sent, so the
 * rest of the data center stays as it is.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/update_data_center.ts
 * [--name Default] [--description "Main site"]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/update_data_center.ts [--name Default] [--description "Main site"]';

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
        name: { type: "string", default: "Default" },
        description: { type: "string", default: "Main site" },
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
const dataCentersService = connection.systemService().dataCentersService();

const [dataCenter] = await dataCentersService.list({ search: `name=${values.name}` });
if (!dataCenter) throw new Error(`No data center named ${values.name}`);

const updated = await dataCentersService.dataCenterService(dataCenter.id!).update({
  description: String(values.description),
});
console.log(`${updated.name}: ${dataCenter.description} -> ${updated.description}`);

/**
 * Prints the statistics of a host: memory, CPU usage, load.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_host_statistics.ts
 * [--host host1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_host_statistics.ts [--host host1]";

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
        host: { type: "string", default: "host1" },
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
const hostsService = connection.systemService().hostsService();

const [host] = await hostsService.list({ search: `name=${values.host}` });
if (!host) throw new Error(`No host named ${values.host}`);

const statistics = await hostsService.hostService(host.id!).statisticsService().list();
console.log(`Statistics of host ${host.name}:`);
for (const statistic of statistics) {
  const data = statistic.values?.map((value) => value.datum).join(", ");
  const unit = statistic.unit === "none" ? "" : ` ${statistic.unit}`;
  console.log(`  ${statistic.name}: ${data}${unit} (${statistic.description})`);
}

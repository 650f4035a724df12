/**
 * Prints the statistics of a host: memory, CPU usage, load.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_host_statistics.ts
 * [--host host1]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_host_statistics.ts [--host host1]";

const { values } = scriptArgs(USAGE, {
  host: { type: "string", default: "host1" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);

const statistics = await hostsService.hostService(host.id!).statisticsService().list();
console.log(`Statistics of host ${host.name}:`);
for (const statistic of statistics) {
  const data = statistic.values?.map((value) => value.datum).join(", ");
  const unit = statistic.unit === "none" ? "" : ` ${statistic.unit}`;
  console.log(`  ${statistic.name}: ${data}${unit} (${statistic.description})`);
}

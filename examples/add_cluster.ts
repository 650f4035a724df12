/**
 * Creates a cluster in a data center, with the CPU type its hosts must support.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_cluster.ts
 * [--name mycluster] [--data-center Default] [--cpu-type "Intel Icelake Server Family"]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/add_cluster.ts [--name mycluster] [--data-center Default] [--cpu-type "Intel Icelake Server Family"]';

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mycluster" },
  "data-center": { type: "string", default: "Default" },
  "cpu-type": { type: "string", default: "Intel Icelake Server Family" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const cluster = await connection.systemService().clustersService().add({
  name: String(values.name),
  description: "Added by the add_cluster example",
  cpu: { architecture: types.Architecture.X86_64, type: String(values["cpu-type"]) },
  dataCenter: { name: String(values["data-center"]) },
});
console.log(
  `Added cluster ${cluster.name} (${cluster.id}) to data center ${values["data-center"]}`,
);
console.log(`  CPU type ${cluster.cpu?.type}`);

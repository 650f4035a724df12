/**
 * Lists the logical networks assigned to a cluster, with how the cluster uses them.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_cluster_networks.ts
 * [--cluster Default]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_cluster_networks.ts [--cluster Default]";

const { values } = scriptArgs(USAGE, {
  cluster: { type: "string", default: "Default" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const clustersService = connection.systemService().clustersService();

const cluster = found(
  await findByName(clustersService, values.cluster),
  `No cluster named ${values.cluster}`,
);

const networks = await clustersService.clusterService(cluster.id!).networksService().list();
console.log(`Networks of cluster ${cluster.name}:`);
for (const network of networks) {
  const required = network.required ? "required" : "optional";
  console.log(`  ${network.name} (${network.id}): ${required}, MTU ${network.mtu || "default"}`);
  console.log(`    usages: ${network.usages?.join(", ") || "none"}`);
}

/**
 * Lists the logical networks assigned to a cluster, with how the cluster uses them.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_cluster_networks.ts
 * [--cluster Default]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_cluster_networks.ts [--cluster Default]";

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
        cluster: { type: "string", default: "Default" },
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
const clustersService = connection.systemService().clustersService();

const [cluster] = await clustersService.list({ search: `name=${values.cluster}` });
if (!cluster) throw new Error(`No cluster named ${values.cluster}`);

const networks = await clustersService.clusterService(cluster.id!).networksService().list();
console.log(`Networks of cluster ${cluster.name}:`);
for (const network of networks) {
  const required = network.required ? "required" : "optional";
  console.log(`  ${network.name} (${network.id}): ${required}, MTU ${network.mtu || "default"}`);
  console.log(`    usages: ${network.usages?.join(", ") || "none"}`);
}

/**
 * Assigns a logical network of the data center to a cluster, so that its hosts can
 * attach it and its VMs can use it. A required network must be up on every host of the
 * cluster, or the host becomes non-operational.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_network_to_cluster.ts
 * [--network vmnet] [--cluster Production] [--required]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_network_to_cluster.ts [--network vmnet] [--cluster Production] [--required]";

const { values } = scriptArgs(USAGE, {
  network: { type: "string", default: "vmnet" },
  cluster: { type: "string", default: "Production" },
  required: { type: "boolean", default: false },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const clustersService = systemService.clustersService();

const cluster = found(
  await findByName(clustersService, values.cluster),
  `No cluster named ${values.cluster}`,
);

// Network names are unique per data center: take the one of the cluster's data center.
const networks = await systemService.networksService().list({
  search: searchQuery(where.eq("name", values.network)).text,
});
const network = found(
  networks.find((candidate) =>
    candidate.name === values.network && candidate.dataCenter?.id === cluster.dataCenter?.id
  ),
  `No network ${values.network} in the data center of ${cluster.name}`,
);

await clustersService.clusterService(cluster.id!).networksService().add({
  id: network.id,
  required: values.required === true,
});
const kind = values.required === true ? "required" : "optional";
console.log(`Assigned network ${network.name} to cluster ${cluster.name} (${kind})`);

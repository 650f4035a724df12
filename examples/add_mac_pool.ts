/**
 * Creates a MAC address pool with one range and makes a cluster use it: the NICs of new
 * VMs in that cluster get their addresses from this range. The cluster is looked up
 * first: a cluster that does not exist is an error before the pool is made.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_mac_pool.ts
 * [--name mymacpool] [--from 02:00:00:00:00:00] [--to 02:00:00:00:ff:ff]
 * [--cluster Production]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_mac_pool.ts [--name mymacpool] [--from 02:00:00:00:00:00] [--to 02:00:00:00:ff:ff] [--cluster Production]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mymacpool" },
  from: { type: "string", default: "02:00:00:00:00:00" },
  to: { type: "string", default: "02:00:00:00:ff:ff" },
  cluster: { type: "string", default: "Production" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const clustersService = systemService.clustersService();
const cluster = found(
  await findByName(clustersService, values.cluster),
  `No cluster named ${values.cluster}`,
);

const pool = await systemService.macPoolsService().add({
  name: String(values.name),
  description: "Added by the add_mac_pool example",
  allowDuplicates: false,
  ranges: [{ from: String(values.from), to: String(values.to) }],
});
console.log(`Added MAC pool ${pool.name} (${pool.id}): ${values.from} - ${values.to}`);

await clustersService.clusterService(cluster.id!).update({ macPool: { id: pool.id } });
console.log(`Cluster ${cluster.name} now takes MAC addresses from ${pool.name}`);

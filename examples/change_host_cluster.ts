/**
 * Moves a host to another cluster: maintenance (its VMs migrate to other hosts), the
 * change of cluster, then activation, waiting for each step. A host that does not come up
 * in its new cluster (`non_operational`: it lacks a network the cluster requires, say; or
 * `install_failed`) ends the script with an error naming the status.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/change_host_cluster.ts
 * [--host host2] [--cluster Production]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/change_host_cluster.ts [--host host2] [--cluster Production]";

const { values } = scriptArgs(USAGE, {
  host: { type: "string", default: "host2" },
  cluster: { type: "string", default: "Production" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
const hostService = hostsService.hostService(host.id!);

if (host.status !== types.HostStatus.MAINTENANCE) {
  await hostService.deactivate();
  await waitForStatus(hostService, types.HostStatus.MAINTENANCE, { interval: 5000 });
  console.log(`Host ${host.name} is in maintenance`);
}

await hostService.update({ cluster: { name: String(values.cluster) } });
console.log(`Host ${host.name} is now in cluster ${values.cluster}`);

await hostService.activate();
await waitForStatus(hostService, types.HostStatus.UP, {
  interval: 5000,
  failOn: [types.HostStatus.NON_OPERATIONAL, types.HostStatus.INSTALL_FAILED],
});
console.log(`Host ${host.name} is up`);

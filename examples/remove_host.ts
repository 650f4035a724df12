/**
 * Removes a host from the engine, moving it to maintenance first (its VMs migrate to
 * other hosts of the cluster).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_host.ts
 * [--host host2]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { host: { type: "string", default: "host2" } },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const [host] = await hostsService.list({ search: `name=${values.host}` });
if (!host) throw new Error(`No host named ${values.host}`);
const hostService = hostsService.hostService(host.id!);

const removable: string[] = [
  types.HostStatus.MAINTENANCE,
  types.HostStatus.DOWN,
  types.HostStatus.INSTALL_FAILED,
  types.HostStatus.NON_RESPONSIVE,
  types.HostStatus.NON_OPERATIONAL,
];
if (!removable.includes(host.status!)) {
  await hostService.deactivate();
  await waitForStatus(hostService, types.HostStatus.MAINTENANCE, { interval: 5000 });
  console.log(`Host ${host.name} is in maintenance`);
}

await hostService.remove();
console.log(`Removed host ${host.name} (${host.id})`);

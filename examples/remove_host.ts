/**
 * Removes a host from the engine, moving it to maintenance first (its VMs migrate to
 * other hosts of the cluster).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_host.ts
 * --host NAME`
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_host.ts --host NAME";

const { values, usage } = scriptArgs(USAGE, {
  host: { type: "string" },
});
if (!values.host) throw usage("Name the host to remove with --host");

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
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

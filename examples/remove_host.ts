/**
 * Removes a host from the engine, moving it to maintenance first (its VMs migrate to
 * other hosts of the cluster).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_host.ts
 * --host NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_host.ts --host NAME";

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
        host: { type: "string" },
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
if (!values.host) usage("Name the host to remove with --host");

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

// Exactly that name: in a search, `*` would match others too.
const host = (await hostsService.list({ search: `name=${values.host}` }))
  .find((found) => found.name === values.host);
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

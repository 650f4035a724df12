/**
 * Upgrades a host: asks the engine to check for updates (it logs event 885 when the
 * check is done, 839 or 887 when it failed), and if there are any, upgrades the host
 * and waits until it is up again. The engine moves the host to maintenance first (its
 * VMs migrate), installs the updates and reboots it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/upgrade_host.ts
 * [--host host1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, followEvents, types, waitFor } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { host: { type: "string", default: "host1" } },
  strict: false,
});

const CHECK_DONE = 885;
const CHECK_FAILED = [839, 887];

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const hostsService = systemService.hostsService();
const eventsService = systemService.eventsService();

const [found] = await hostsService.list({ search: `name=${values.host}` });
if (!found) throw new Error(`No host named ${values.host}`);
const hostService = hostsService.hostService(found.id!);
let host = found;

if (!host.updateAvailable) {
  // Follow the events about this host from the newest one on, for at most 3 minutes.
  const [newest] = await eventsService.list({ max: 1 });
  await hostService.upgradeCheck();
  console.log(`Checking for updates on host ${host.name}...`);
  for await (
    const event of followEvents(eventsService, {
      from: Number(newest?.id ?? 0),
      search: `host.name=${host.name}`,
      interval: 2000,
      signal: AbortSignal.timeout(180_000),
    })
  ) {
    if (event.code === CHECK_DONE || CHECK_FAILED.includes(Number(event.code))) {
      console.log(event.description);
      break;
    }
  }
  host = await hostService.get();
}

if (host.updateAvailable) {
  await hostService.upgrade();
  console.log(`Upgrading host ${host.name}...`);
  await waitFor(
    () => hostService.get(),
    (upgraded) => upgraded.status === types.HostStatus.UP && upgraded.updateAvailable === false,
    { interval: 10_000, timeout: 60 * 60_000 },
  );
  console.log(`Host ${host.name} is upgraded and up`);
} else {
  console.log(`Host ${host.name} has no updates`);
}

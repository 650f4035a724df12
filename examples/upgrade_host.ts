/**
 * Upgrades a host: asks the engine to check for updates (it logs event 885 when the
 * check is done, 839 or 887 when it failed), and if there are any, upgrades the host
 * and waits until it is back in the status it had: up, or maintenance for a host that was
 * in maintenance (the engine leaves it there). The engine moves a host that is up to
 * maintenance first (its VMs migrate), installs the updates and reboots it; a failed
 * upgrade leaves the host `install_failed`, which ends the wait with exit code 1.
 *
 * When the check fails or does not end within `--check-timeout` seconds, the script says
 * why and exits with 1, without upgrading.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/upgrade_host.ts
 * --host NAME [--check-timeout 180]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  followEvents,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/upgrade_host.ts --host NAME [--check-timeout 180]";

const { values, usage, integer } = scriptArgs(USAGE, {
  host: { type: "string" },
  "check-timeout": { type: "string", default: "180" },
});
if (!values.host) throw usage("Name the host to upgrade with --host");
const checkTimeout = integer("check-timeout", values["check-timeout"]);

const CHECK_DONE = 885;
const CHECK_FAILED = [839, 887];

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const hostsService = systemService.hostsService();
const eventsService = systemService.eventsService();

const named = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
const hostService = hostsService.hostService(named.id!);
let host = named;

let failure: string | undefined;
if (!host.updateAvailable) {
  // Follow the events about this host from the newest one on, for at most --check-timeout.
  const [newest] = await eventsService.list({ max: 1 });
  await hostService.upgradeCheck();
  console.log(`Checking for updates on host ${host.name}...`);
  failure = `The update check of host ${host.name} did not end within ${checkTimeout} s`;
  for await (
    const event of followEvents(eventsService, {
      from: Number(newest?.id ?? 0),
      search: searchQuery(where.eq("host.name", host.name!)).text,
      interval: 2000,
      signal: AbortSignal.timeout(checkTimeout * 1000),
    })
  ) {
    if (event.code === CHECK_DONE) {
      console.log(event.description);
      failure = undefined;
      break;
    }
    if (CHECK_FAILED.includes(Number(event.code))) {
      failure = `The update check of host ${host.name} failed: ${event.description}`;
      break;
    }
  }
  host = await hostService.get();
}

if (failure) {
  console.error(failure);
  Deno.exitCode = 1;
} else if (host.updateAvailable) {
  // The engine upgrades a host that is up or in maintenance, and puts it back so.
  const before = host.status === types.HostStatus.MAINTENANCE
    ? types.HostStatus.MAINTENANCE
    : types.HostStatus.UP;
  await hostService.upgrade();
  console.log(`Upgrading host ${host.name}...`);
  const upgraded = await waitFor(
    () => hostService.get(),
    (current) =>
      current.status === types.HostStatus.INSTALL_FAILED ||
      (current.status === before && current.updateAvailable === false),
    { interval: 10_000, timeout: 60 * 60_000, description: `host ${host.name} upgraded` },
  );
  if (upgraded.status === types.HostStatus.INSTALL_FAILED) {
    console.error(`The upgrade of host ${host.name} failed: the host is install_failed`);
    Deno.exitCode = 1;
  } else {
    console.log(
      `Host ${host.name} is upgraded and ${
        before === types.HostStatus.UP ? "up" : "in maintenance"
      }`,
    );
  }
} else {
  console.log(`Host ${host.name} has no updates`);
}

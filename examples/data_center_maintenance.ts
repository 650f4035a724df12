/**
 * Puts a whole data center into maintenance, e.g. before a storage outage: shuts down
 * its VMs, moves its storage domains to maintenance (the master domain last), then its
 * hosts, waiting for each stage. Not for hosted-engine setups, whose engine VM and
 * storage must stay up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/data_center_maintenance.ts
 * --data-center NAME`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  waitForStatus,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/data_center_maintenance.ts --data-center NAME";

const { values, usage } = scriptArgs(USAGE, {
  "data-center": { type: "string" },
});
if (!values["data-center"]) {
  usage("Name the data center to put into maintenance with --data-center");
}

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const dataCentersService = systemService.dataCentersService();
const name = String(values["data-center"]);

const dataCenter = found(
  await findByName(dataCentersService, name),
  `No data center named ${name}`,
);
const dataCenterService = dataCentersService.dataCenterService(dataCenter.id!);
const waitOptions = { interval: 10_000, timeout: 30 * 60_000 };

// The engine matches `datacenter=` without regard to case (`Prod` finds `prod` too): keep
// only what is in the clusters of this data center.
const inDataCenter = where.eq("datacenter", name);
const clusterIds = new Set(
  (await dataCenterService.clustersService().list()).map((cluster) => cluster.id),
);
const ours = <T extends { cluster?: { id?: string } }>(items: T[]) =>
  items.filter((item) => clusterIds.has(item.cluster?.id));

// 1. Shut down the VMs (the guests get to stop cleanly).
const vmsService = systemService.vmsService();
const running = searchQuery(where.and(inDataCenter, where.ne("status", "down"))).text;
const runningVms = async () => ours(await vmsService.list({ search: running }));
const vms = await runningVms();
await Promise.all(vms.map((vm) => vmsService.vmService(vm.id!).shutdown()));
console.log(`Shutting down ${vms.length} VM(s)...`);
await waitFor(runningVms, (left) => left.length === 0, {
  ...waitOptions,
  describe: (left) => `${left.length} VM(s) not down`,
});
console.log("All VMs are down");

// 2. Storage domains: the master last, as the engine would otherwise move the master role.
const domainsService = dataCenterService.storageDomainsService();
const active = (await domainsService.list())
  .filter((domain) => domain.status === types.StorageDomainStatus.ACTIVE)
  .sort((a, b) => Number(a.master === true) - Number(b.master === true));
for (const domain of active) {
  const domainService = domainsService.storageDomainService(domain.id!);
  await domainService.deactivate();
  await waitForStatus(domainService, types.StorageDomainStatus.MAINTENANCE, waitOptions);
  console.log(`Storage domain ${domain.name} is in maintenance`);
}

// 3. Hosts.
const hostsService = systemService.hostsService();
const up = searchQuery(where.and(inDataCenter, where.eq("status", "up"))).text;
const hosts = ours(await hostsService.list({ search: up }));
await Promise.all(hosts.map((host) => hostsService.hostService(host.id!).deactivate()));
const deactivated = new Set(hosts.map((host) => host.id));
await waitFor(
  () => hostsService.list({ search: searchQuery(inDataCenter).text }),
  (all) =>
    all.every((host) => !deactivated.has(host.id) || host.status === types.HostStatus.MAINTENANCE),
  waitOptions,
);
console.log(`${hosts.length} host(s) are in maintenance`);
console.log(`Data center ${name} is ${(await dataCenterService.get()).status}`);

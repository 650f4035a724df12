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
  scriptArgs,
  types,
  waitFor,
  waitForStatus,
} from "../mod.ts";

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

// Exactly that name: in a search, `*` would match others too.
const dataCenter = (await dataCentersService.list({ search: `name=${name}` }))
  .find((found) => found.name === name);
if (!dataCenter) throw new Error(`No data center named ${name}`);
const dataCenterService = dataCentersService.dataCenterService(dataCenter.id!);
const waitOptions = { interval: 10_000, timeout: 30 * 60_000 };

// 1. Shut down the VMs (the guests get to stop cleanly).
const vmsService = systemService.vmsService();
const running = `datacenter=${name} and status!=down`;
const vms = await vmsService.list({ search: running });
await Promise.all(vms.map((vm) => vmsService.vmService(vm.id!).shutdown()));
console.log(`Shutting down ${vms.length} VM(s)...`);
await waitFor(() => vmsService.list({ search: running }), (left) => left.length === 0, {
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
const hosts = await hostsService.list({ search: `datacenter=${name} and status=up` });
await Promise.all(hosts.map((host) => hostsService.hostService(host.id!).deactivate()));
const deactivated = new Set(hosts.map((host) => host.id));
await waitFor(
  () => hostsService.list({ search: `datacenter=${name}` }),
  (all) =>
    all.every((host) => !deactivated.has(host.id) || host.status === types.HostStatus.MAINTENANCE),
  waitOptions,
);
console.log(`${hosts.length} host(s) are in maintenance`);
console.log(`Data center ${name} is ${(await dataCenterService.get()).status}`);

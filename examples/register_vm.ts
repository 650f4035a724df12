/**
 * Registers a virtual machine found on a data domain that was imported from another setup
 * (the engine lists such VMs as unregistered), into a cluster of this one.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/register_vm.ts
 * [--storage-domain data] [--vm oldvm] [--cluster Default] [--new-name name]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found, NotFound } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/register_vm.ts [--storage-domain data] [--vm oldvm] [--cluster Default] [--new-name name]";

const { values } = scriptArgs(USAGE, {
  "storage-domain": { type: "string", default: "data" },
  vm: { type: "string", default: "oldvm" },
  cluster: { type: "string", default: "Default" },
  "new-name": { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const domainsService = systemService.storageDomainsService();

const domain = found(
  await findByName(domainsService, values["storage-domain"]),
  `No storage domain named ${values["storage-domain"]}`,
);

const domainVmsService = domainsService.storageDomainService(domain.id!).vmsService();
const unregistered = await domainVmsService.list({ unregistered: true });
const vm = unregistered.find((candidate) => candidate.name === values.vm);
if (!vm) {
  const names = unregistered.map((candidate) => candidate.name).join(", ") || "none";
  throw new NotFound(`No unregistered VM named ${values.vm} on ${domain.name} (found: ${names})`);
}

const name = String(values["new-name"] ?? vm.name);
await domainVmsService.vmService(vm.id!).register({
  cluster: { name: String(values.cluster) },
  vm: { name },
  reassignBadMacs: true, // new MAC addresses where the old ones clash or are out of the pool
});
console.log(`Registered VM ${name} (${vm.id}) from ${domain.name} in cluster ${values.cluster}`);

/**
 * Makes a virtual machine highly available with its lease on a storage domain, so the VM
 * can be restarted on another host even when its host is unreachable.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/set_vm_lease_storage_domain.ts
 * [--vm vm003] [--storage-domain data]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/set_vm_lease_storage_domain.ts [--vm vm003] [--storage-domain data]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  "storage-domain": { type: "string", default: "data" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const domain = found(
  await findByName(systemService.storageDomainsService(), values["storage-domain"]),
  `No storage domain named ${values["storage-domain"]}`,
);

await vmsService.vmService(vm.id!).update({
  highAvailability: { enabled: true },
  lease: { storageDomain: { id: domain.id } },
});
console.log(`VM ${vm.name} is highly available, with its lease on storage domain ${domain.name}`);

/**
 * Exports a virtual machine to an export storage domain (to move it to another data
 * center or keep a copy), overwriting an earlier export of it, and waits until the export
 * is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_vm.ts
 * [--vm vm003] [--export-domain export]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_vm.ts [--vm vm003] [--export-domain export]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  "export-domain": { type: "string", default: "export" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const domain = found(
  await findByName(systemService.storageDomainsService(), values["export-domain"]),
  `No storage domain named ${values["export-domain"]}`,
);

const vmService = vmsService.vmService(vm.id!);
await vmService.exportToExportDomain({
  storageDomain: { id: domain.id },
  exclusive: true, // replace an earlier export of this VM
  discardSnapshots: true, // export the disks as they are now, without their snapshots
});
console.log(`Exporting VM ${vm.name} to ${domain.name}`);

// The VM is locked while its disks are copied.
await waitFor(() => vmService.get(), (current) => current.status !== types.VmStatus.IMAGE_LOCKED, {
  description: `VM ${vm.name} unlocked`,
});
const exported = await systemService.storageDomainsService().storageDomainService(domain.id!)
  .vmsService().vmService(vm.id!).get();
console.log(`VM ${exported.name} is on export domain ${domain.name}`);

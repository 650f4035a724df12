/**
 * Imports a virtual machine from an export storage domain into a data domain and a
 * cluster, and waits until its disks are copied. Use `--clone` to import a VM that already
 * exists in this engine as a new one (new id and MAC addresses) under `--new-name`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/import_vm.ts
 * [--vm vm003] [--export-domain export] [--storage-domain data] [--cluster Default]
 * [--clone --new-name vm003-copy]`
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/import_vm.ts [--vm vm003] [--export-domain export] [--storage-domain data] [--cluster Default] [--clone --new-name vm003-copy]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  "export-domain": { type: "string", default: "export" },
  "storage-domain": { type: "string", default: "data" },
  cluster: { type: "string", default: "Default" },
  clone: { type: "boolean", default: false },
  "new-name": { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const domainsService = systemService.storageDomainsService();

const exportDomain = found(
  await findByName(domainsService, values["export-domain"]),
  `No storage domain named ${values["export-domain"]}`,
);

// The VMs on an export domain cannot be searched: list them and pick the one by name.
const exportedVmsService = domainsService.storageDomainService(exportDomain.id!).vmsService();
const exported = found(
  (await exportedVmsService.list()).find((vm) => vm.name === values.vm),
  `No VM named ${values.vm} on ${exportDomain.name}`,
);

const name = String(values["new-name"] ?? exported.name);
await exportedVmsService.vmService(exported.id!).import({
  storageDomain: { name: String(values["storage-domain"]) },
  cluster: { name: String(values.cluster) },
  vm: { name },
  clone: values.clone === true,
});
console.log(`Importing VM ${exported.name} from ${exportDomain.name} as ${name}`);

const imported = (await waitFor(
  (signal) => findByName(systemService.vmsService(), name, { signal }),
  (vm) => vm !== undefined && vm.status !== types.VmStatus.IMAGE_LOCKED,
  { description: `VM ${name} imported` },
))!; // the wait ends when the VM is there
console.log(`VM ${imported.name} (${imported.id}) is imported, status ${imported.status}`);

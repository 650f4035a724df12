/**
 * Imports a virtual machine from an OVA file that a host can read, and waits until the
 * VM is created. Copy the file to the host first, readable by the `vdsm` user (e.g.
 * `chown 36:36`); if the import fails, the host's `/var/log/vdsm/import/` says why.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/import_vm_from_ova.ts
 * [--name myvm] [--ova /var/tmp/myvm.ova] [--host host1] [--cluster Default]
 * [--storage-domain data]`
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
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/import_vm_from_ova.ts [--name myvm] [--ova /var/tmp/myvm.ova] [--host host1] [--cluster Default] [--storage-domain data]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myvm" },
  ova: { type: "string", default: "/var/tmp/myvm.ova" },
  host: { type: "string", default: "host1" },
  cluster: { type: "string", default: "Default" },
  "storage-domain": { type: "string", default: "data" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const name = String(values.name);
await systemService.externalVmImportsService().add({
  name,
  provider: types.ExternalVmProviderType.KVM,
  url: `ova://${values.ova}`,
  host: { name: String(values.host) },
  cluster: { name: String(values.cluster) },
  storageDomain: { name: String(values["storage-domain"]) },
  sparse: true,
});
console.log(`Importing VM ${name} from ${values.ova} on host ${values.host}`);

const vm = (await waitFor(
  (signal) => findByName(systemService.vmsService(), name, { signal }),
  (found) => found?.status === types.VmStatus.DOWN,
  { description: `VM ${name} imported`, timeout: 3600_000 },
))!; // the wait ends when the VM is there
console.log(`VM ${vm.name} (${vm.id}) is imported`);

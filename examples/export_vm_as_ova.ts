/**
 * Exports a virtual machine as an OVA file (a virtual appliance: its configuration and
 * disks in one archive) into a directory of a host, and waits until the export is done.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/export_vm_as_ova.ts
 * [--vm vm003] [--host host1] [--directory /var/tmp] [--filename <vm>.ova]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitFor } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/export_vm_as_ova.ts [--vm vm003] [--host host1] [--directory /var/tmp] [--filename <vm>.ova]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  host: { type: "string", default: "host1" },
  directory: { type: "string", default: "/var/tmp" },
  filename: { type: "string" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
const [host] = await systemService.hostsService().list({ search: `name=${values.host}` });
if (!host) throw new Error(`No host named ${values.host}`);

const filename = String(values.filename ?? `${vm.name}.ova`);
const vmService = vmsService.vmService(vm.id!);
await vmService.exportToPathOnHost({
  host: { id: host.id },
  directory: String(values.directory),
  filename,
});
console.log(`Exporting VM ${vm.name} to ${values.directory}/${filename} on host ${host.name}`);

// The VM is locked while the OVA is written.
await waitFor(() => vmService.get(), (current) => current.status !== types.VmStatus.IMAGE_LOCKED, {
  description: `VM ${vm.name} unlocked`,
});
console.log(`VM ${vm.name} is exported`);

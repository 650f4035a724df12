/**
 * Imports a virtual machine from VMware (a vCenter or ESXi host) with virt-v2v, and waits
 * until the VM is created. The engine runs the conversion on a host of the cluster.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/import_vm_from_vmware.ts
 * [--name myvm] [--cluster Default] [--storage-domain data]
 * [--vcenter-url vpx://administrator@vcenter.example.com/DC/Cluster/esxi1?no_verify=1]`
 * (the VMware user from the URL, its password from VMWARE_PASSWORD)
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/import_vm_from_vmware.ts [--name myvm] [--cluster Default] [--storage-domain data] [--vcenter-url vpx://administrator@vcenter.example.com/DC/Cluster/esxi1?no_verify=1]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myvm" },
  "vcenter-url": {
    type: "string",
    default: "vpx://administrator@vcenter.example.com/DC/Cluster/esxi1?no_verify=1",
  },
  cluster: { type: "string", default: "Default" },
  "storage-domain": { type: "string", default: "data" },
});

const url = new URL(String(values["vcenter-url"]));
await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const name = String(values.name);
await systemService.externalVmImportsService().add({
  name,
  provider: types.ExternalVmProviderType.VMWARE,
  url: url.href,
  username: decodeURIComponent(url.username),
  password: Deno.env.get("VMWARE_PASSWORD") ?? "",
  cluster: { name: String(values.cluster) },
  storageDomain: { name: String(values["storage-domain"]) },
  sparse: true,
});
console.log(`Importing VM ${name} from ${url.host}`);

const vm = (await waitFor(
  (signal) => findByName(systemService.vmsService(), name, { signal }),
  (found) => found?.status === types.VmStatus.DOWN,
  { description: `VM ${name} imported`, timeout: 3600_000 },
))!; // the wait ends when the VM is there
console.log(`VM ${vm.name} (${vm.id}) is imported from VMware`);

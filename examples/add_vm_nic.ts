/**
 * Adds a network interface to a virtual machine, connected to the network of a vNIC
 * profile.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_nic.ts
 * [--vm vm003] [--name nic2] [--profile ovirtmgmt]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_nic.ts [--vm vm003] [--name nic2] [--profile ovirtmgmt]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  name: { type: "string", default: "nic2" },
  profile: { type: "string", default: "ovirtmgmt" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = await findByName(vmsService, values.vm);
if (!vm) throw new Error(`No VM named ${values.vm}`);

// vNIC profiles cannot be searched: list them and pick the one by name.
const profiles = await systemService.vnicProfilesService().list();
const profile = profiles.find((candidate) => candidate.name === values.profile);
if (!profile) throw new Error(`No vNIC profile named ${values.profile}`);

const nic = await vmsService.vmService(vm.id!).nicsService().add({
  name: String(values.name),
  description: "Added by the add_vm_nic example",
  interface: types.NicInterface.VIRTIO,
  vnicProfile: { id: profile.id },
});
console.log(`Added NIC ${nic.name} (MAC ${nic.mac?.address}) to VM ${vm.name}`);
console.log(`  connected through vNIC profile ${profile.name}`);

/**
 * Adds a network interface to a virtual machine, connected to the network of a vNIC
 * profile: the profile of that name on a network of the VM's data center.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_nic.ts
 * [--vm vm003] [--name nic2] [--profile ovirtmgmt]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found, NotFound } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

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

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

// Each data center has its own networks (and `ovirtmgmt`), each network its own profiles:
// the profile is that of a network of the VM's data center. vNIC profiles cannot be searched.
const cluster = await systemService.clustersService().clusterService(vm.cluster!.id!).get();
const networks = await systemService.dataCentersService()
  .dataCenterService(cluster.dataCenter!.id!).networksService().list();
const profiles = (await systemService.vnicProfilesService().list()).filter((candidate) =>
  candidate.name === values.profile &&
  networks.some((network) => network.id === candidate.network?.id)
);
if (profiles.length === 0) {
  throw new NotFound(`No vNIC profile named ${values.profile} in the data center of VM ${vm.name}`);
}
if (profiles.length > 1) {
  throw new Refused(
    `${profiles.length} vNIC profiles named ${values.profile} in the data center of VM ${vm.name}` +
      ` (ids ${profiles.map((candidate) => candidate.id).join(", ")})`,
  );
}
const [profile] = profiles;

const nic = await vmsService.vmService(vm.id!).nicsService().add({
  name: String(values.name),
  description: "Added by the add_vm_nic example",
  interface: types.NicInterface.VIRTIO,
  vnicProfile: { id: profile.id },
});
console.log(`Added NIC ${nic.name} (MAC ${nic.mac?.address}) to VM ${vm.name}`);
console.log(`  connected through vNIC profile ${profile.name}`);

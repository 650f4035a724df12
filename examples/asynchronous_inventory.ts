/**
 * Downloads the whole inventory (data centers, clusters, storage domains, networks,
 * hosts, VMs, disks, then the disk attachments and NICs of every VM) with many requests
 * in flight at once: every call returns a promise, `Promise.all` waits for a batch, and
 * the connection sends at most `--connections` requests at a time, queueing the rest.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/asynchronous_inventory.ts
 * [--connections 10]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, type types } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/asynchronous_inventory.ts [--connections 10]";

const { values, integer } = scriptArgs(USAGE, {
  connections: { type: "string", default: "10" },
});
const connections = integer("connections", values.connections);

await using connection = new Connection({
  ...connectionOptionsFromEnv(),
  connections: connections,
});
const systemService = connection.systemService();

console.log("Requesting the collections...");
const [dataCenters, clusters, storageDomains, networks, hosts, vms, disks] = await Promise.all([
  systemService.dataCentersService().list(),
  systemService.clustersService().list(),
  systemService.storageDomainsService().list(),
  systemService.networksService().list(),
  systemService.hostsService().list(),
  systemService.vmsService().list(),
  systemService.disksService().list(),
]);
console.log(`Loaded ${dataCenters.length} data centers, ${clusters.length} clusters`);
console.log(`Loaded ${storageDomains.length} storage domains, ${networks.length} networks`);
console.log(`Loaded ${hosts.length} hosts, ${vms.length} VMs, ${disks.length} disks`);

// One request per VM and kind of device, all started at once.
const disksById = new Map(disks.map((disk) => [disk.id, disk]));
const vmsService = systemService.vmsService();
const [attachments, nics] = await Promise.all([
  Promise.all(vms.map((vm) => vmsService.vmService(vm.id!).diskAttachmentsService().list())),
  Promise.all(vms.map((vm) => vmsService.vmService(vm.id!).nicsService().list())),
]);

function totalSize(vmAttachments: types.DiskAttachment[]): number {
  return vmAttachments.reduce(
    (sum, attachment) => sum + Number(disksById.get(attachment.disk?.id)?.provisionedSize ?? 0),
    0,
  );
}

vms.forEach((vm, index) => {
  const size = totalSize(attachments[index]) / 1024 ** 3;
  console.log(
    `${vm.name}: ${attachments[index].length} disk(s), ${size} GiB, ${nics[index].length} NIC(s)`,
  );
});

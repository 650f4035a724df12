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

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, type types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/asynchronous_inventory.ts [--connections 10]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        connections: { type: "string", default: "10" },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();
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

/**
 * Lists the disks of a virtual machine with their size, interface and storage domain.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vm_disks.ts
 * [--vm vm001]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_vm_disks.ts [--vm vm001]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const domainNames = new Map(
  (await systemService.storageDomainsService().list()).map((domain) => [domain.id, domain.name]),
);
// One request for the attachments with their disks inline instead of one per disk.
const attachments = await vmsService.vmService(vm.id!).diskAttachmentsService().list({
  follow: "disk",
});
console.log(`VM ${vm.name} has ${attachments.length} disk(s):`);
for (const { disk, interface: bus, bootable } of attachments) {
  const size = `${Number(disk?.provisionedSize ?? 0) / 1024 ** 3} GiB`;
  const domain = domainNames.get(disk?.storageDomains?.[0]?.id) ?? "?";
  console.log(`  ${disk?.name}: ${size} on ${domain}, ${bus}${bootable ? ", bootable" : ""}`);
}

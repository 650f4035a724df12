/**
 * Adds a new disk to a virtual machine: creates it on a storage domain, attaches it to the
 * VM, and waits until the disk is `ok` (a disk that becomes `illegal` is an error). The
 * disk is qcow2 and sparse, which the engine takes on any storage domain.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_disk.ts
 * [--vm vm003] [--name mydisk] [--size-gib 10] [--storage-domain data]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_disk.ts [--vm vm003] [--name mydisk] [--size-gib 10] [--storage-domain data]";

const { values, integer } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  name: { type: "string", default: "mydisk" },
  "size-gib": { type: "string", default: "10" },
  "storage-domain": { type: "string", default: "data" },
});
const sizeGib = integer("size-gib", values["size-gib"]);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const attachment = await vmsService.vmService(vm.id!).diskAttachmentsService().add({
  disk: {
    name: String(values.name),
    description: "Added by the add_vm_disk example",
    format: types.DiskFormat.COW,
    sparse: true,
    provisionedSize: sizeGib * 1024 ** 3,
    storageDomains: [{ name: String(values["storage-domain"]) }],
  },
  interface: types.DiskInterface.VIRTIO_SCSI,
  bootable: false,
  active: true,
});
console.log(`Attached new disk ${values.name} (${attachment.disk?.id}) to VM ${vm.name}`);

const diskService = systemService.disksService().diskService(attachment.disk!.id!);
await waitForStatus(diskService, types.DiskStatus.OK, { failOn: [types.DiskStatus.ILLEGAL] });
console.log(`Disk ${values.name} is ready`);

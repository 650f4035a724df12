/**
 * Deactivates a disk of a virtual machine: the disk stays attached, but the VM no
 * longer sees it (its attachment's `active` becomes false).
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/deactivate_disk_attachment.ts --vm NAME --disk NAME|ID`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, waitFor } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/deactivate_disk_attachment.ts --vm NAME --disk NAME|ID";

const { values, usage } = scriptArgs(USAGE, {
  vm: { type: "string" },
  disk: { type: "string" },
});
if (!values.vm) throw usage("Name the VM with --vm");
if (!values.disk) throw usage("Name the disk to deactivate with --disk");

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vm = found(
  await findByName(systemService.vmsService(), values.vm),
  `No VM named ${values.vm}`,
);
const disk = found(
  await findDisk(systemService.disksService(), values.disk),
  `No disk with name or id ${values.disk}`,
);

const attachmentsService = systemService.vmsService().vmService(vm.id!).diskAttachmentsService();
const attachment = found(
  (await attachmentsService.list()).find((item) => item.disk?.id === disk.id),
  `Disk ${disk.name} is not attached to VM ${vm.name}`,
);

const attachmentService = attachmentsService.attachmentService(attachment.id!);
await attachmentService.update({ active: false });
await waitFor(() => attachmentService.get(), (current) => current.active === false);
console.log(`Deactivated disk ${disk.name} of VM ${vm.name}`);

/**
 * Deactivates a disk of a virtual machine: the disk stays attached, but the VM no
 * longer sees it (its attachment's `active` becomes false).
 * `--disk` takes the name or the id of a disk attached to the VM: it is looked up among the
 * VM's own disks, so a disk of the same name elsewhere (the copy a template made from the VM
 * has) does not matter.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/deactivate_disk_attachment.ts --vm NAME --disk NAME|ID`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, waitFor } from "../mod.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

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

// The VM's attachments, each with its disk, matched by the disk's id or name.
const attachmentsService = systemService.vmsService().vmService(vm.id!).diskAttachmentsService();
const matching = (await attachmentsService.list({ follow: "disk" })).filter((item) =>
  item.disk?.id === values.disk || item.disk?.name === values.disk
);
if (matching.length > 1) {
  const ids = matching.map((item) => item.disk!.id).join(", ");
  throw new Refused(
    `VM ${vm.name} has ${matching.length} disks named ${values.disk} (ids ${ids}): name one by id`,
  );
}
const attachment = found(matching[0], `Disk ${values.disk} is not attached to VM ${vm.name}`);
const disk = attachment.disk!;

const attachmentService = attachmentsService.attachmentService(attachment.id!);
await attachmentService.update({ active: false });
await waitFor(() => attachmentService.get(), (current) => current.active === false);
console.log(`Deactivated disk ${disk.name} of VM ${vm.name}`);

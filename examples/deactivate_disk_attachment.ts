/**
 * Deactivates a disk of a virtual machine: the disk stays attached, but the VM no
 * longer sees it (its attachment's `active` becomes false).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/deactivate_disk_attachment.ts [--vm vm001] [--disk vm001_disk1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, waitFor } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    vm: { type: "string", default: "vm001" },
    disk: { type: "string", default: "vm001_disk1" },
  },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const [vm] = await systemService.vmsService().list({ search: `name=${values.vm}` });
const [disk] = await systemService.disksService().list({ search: `name=${values.disk}` });
if (!vm || !disk) throw new Error(`No VM ${values.vm} or no disk ${values.disk}`);

const attachmentsService = systemService.vmsService().vmService(vm.id!).diskAttachmentsService();
const attachment = (await attachmentsService.list()).find((item) => item.disk?.id === disk.id);
if (!attachment) throw new Error(`Disk ${disk.name} is not attached to VM ${vm.name}`);

const attachmentService = attachmentsService.attachmentService(attachment.id!);
await attachmentService.update({ active: false });
await waitFor(() => attachmentService.get(), (current) => current.active === false);
console.log(`Deactivated disk ${disk.name} of VM ${vm.name}`);

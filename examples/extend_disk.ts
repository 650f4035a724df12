/**
 * Extends a disk of a virtual machine through its disk attachment: the new provisioned
 * size is the current one plus `--grow-gib`. Waits until the disk is ready again (a disk
 * that becomes `illegal` is an error). A direct LUN disk is refused: its size is the LUN's.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/extend_disk.ts
 * [--vm vm001] [--disk vm001_disk1] [--grow-gib 2]`
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
import { found, NotFound } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/extend_disk.ts [--vm vm001] [--disk vm001_disk1] [--grow-gib 2]";

const { values, integer } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  disk: { type: "string", default: "vm001_disk1" },
  "grow-gib": { type: "string", default: "2" },
});
const growGib = integer("grow-gib", values["grow-gib"]);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vm = found(
  await findByName(systemService.vmsService(), values.vm),
  `No VM named ${values.vm}`,
);
const attachmentsService = systemService.vmsService().vmService(vm.id!).diskAttachmentsService();

// Find the attachment of the disk by the disk's name.
let target: { attachment: types.DiskAttachment; disk: types.Disk } | undefined;
for (const attachment of await attachmentsService.list()) {
  const disk = await systemService.disksService().diskService(attachment.disk!.id!).get();
  if (disk.name === values.disk) target = { attachment, disk };
}
if (!target) throw new NotFound(`VM ${vm.name} has no disk named ${values.disk}`);
if (
  target.disk.storageType !== undefined && target.disk.storageType !== types.DiskStorageType.IMAGE
) {
  // A direct LUN's size is the LUN's: it has no provisioned size to grow.
  throw new Refused(
    `Disk ${target.disk.name} is a ${target.disk.storageType} disk: only image disks can be extended`,
  );
}

const newSize = Number(target.disk.provisionedSize!) + growGib * 1024 ** 3;
await attachmentsService.attachmentService(target.attachment.id!).update({
  disk: { provisionedSize: newSize },
});
console.log(`Extending disk ${target.disk.name} to ${newSize / 1024 ** 3} GiB...`);

const diskService = systemService.disksService().diskService(target.disk.id!);
const extended = await waitForStatus(diskService, types.DiskStatus.OK, {
  failOn: [types.DiskStatus.ILLEGAL],
});
console.log(`Disk ${extended.name} is now ${Number(extended.provisionedSize!) / 1024 ** 3} GiB`);

/**
 * Uploads one disk image out of an OVA file (a tar archive of an OVF and disk images)
 * into a new floating disk, straight from the archive, with a progress bar. A qcow2 image
 * makes a sparse disk (the engine refuses qcow2 preallocated), a raw one a preallocated disk
 * unless `--sparse` (which the engine refuses on block storage: iSCSI, FC). Ctrl-C, or a
 * failed upload, removes the new disk again (or names it, with its id, if it could not); a
 * second Ctrl-C exits at once, naming the disk and the transfer it leaves.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/upload_from_ova.ts
 * --ova vm.ova [--disk-name NAME] [--storage-domain data] [--sparse]`
 * (`--disk-name` is the image's name in the archive; by default its first image)
 *
 * @module
 */

import { basename, extname } from "node:path";
import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  progressBar,
  scriptArgs,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";
import { refusedAllocation, sparseFor } from "./lib/allocation.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { imageInfo, slice, tarMembers } from "./lib/ova.ts";
import { removeDisk } from "./lib/remove_disk.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/upload_from_ova.ts --ova vm.ova [--disk-name NAME] [--storage-domain data] [--sparse]";

const { values, usage } = scriptArgs(USAGE, {
  ova: { type: "string" },
  "disk-name": { type: "string" },
  "storage-domain": { type: "string", default: "data" },
  sparse: { type: "boolean", default: false },
});
if (!values.ova) throw usage("Name the OVA file with --ova");

using ova = await Deno.open(values.ova);
const images = (await tarMembers(ova)).filter((member) => !/\.(ovf|mf|cert)$/i.test(member.name));
const member = found(
  values["disk-name"] === undefined
    ? images[0]
    : images.find((item) => item.name === values["disk-name"]),
  `${values.ova} has no disk image ${values["disk-name"] ?? ""}`,
);
const image = await imageInfo(ova, member);
console.log(`Image ${member.name}: ${image.format}, virtual size ${image.virtualSize} bytes`);

await using connection = new Connection(connectionOptionsFromEnv());
using interrupt = onCtrlC();
const { signal } = interrupt;
const systemService = connection.systemService();
const domainName = String(values["storage-domain"]);
const domain = found(
  await findByName(systemService.storageDomainsService(), domainName, { signal }),
  `No storage domain named ${domainName}`,
);
const refused = values.sparse === true ? refusedAllocation(image.format, true, domain) : undefined;
if (refused) throw new Refused(`Cannot upload ${member.name} with --sparse: ${refused}`);

const disksService = systemService.disksService();
// Not cut short by Ctrl-C: the disk it makes is to be removed below.
const disk = await disksService.add({
  name: basename(member.name, extname(member.name)),
  description: `Uploaded from ${basename(values.ova)}`,
  contentType: types.DiskContentType.DATA,
  format: image.format,
  sparse: sparseFor(image.format, domain, values.sparse === true),
  provisionedSize: image.virtualSize,
  initialSize: image.format === types.DiskFormat.COW ? member.size : undefined,
  storageDomains: [{ id: domain.id }],
});
// A second Ctrl-C names the disk, and the transfer while the upload runs, until dealt with.
const untrackDisk = interrupt.track(`disk ${disk.name} (${disk.id})`);
const diskService = disksService.diskService(disk.id!);
const failOn = [types.DiskStatus.ILLEGAL];
try {
  await waitForStatus(diskService, types.DiskStatus.OK, { failOn, signal });
  console.log(`Created disk ${disk.name} (${disk.id})`);
  await interrupt.tracking((note) =>
    uploadDisk(connection, disk.id!, slice(ova, member.offset, member.size), member.size, {
      format: image.format,
      onProgress: progressBar("Uploading"),
      signal,
      onTransfer: (transfer) => note(`image transfer ${transfer.id} of disk ${disk.name}`),
    })
  );
  // Once the upload is done, the disk is kept even after Ctrl-C.
  await waitForStatus(diskService, types.DiskStatus.OK, { failOn });
} catch (error) {
  await removeDisk(disksService, disk);
  throw error;
} finally {
  untrackDisk();
}
console.log(`Uploaded ${member.name} from ${basename(values.ova)} into disk ${disk.name}`);

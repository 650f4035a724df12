/**
 * Uploads one disk image out of an OVA file (a tar archive of an OVF and disk images)
 * into a new floating disk, straight from the archive, with a progress bar.
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
  progressBar,
  scriptArgs,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";
import { imageInfo, slice, tarMembers } from "./lib/ova.ts";

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
const member = values["disk-name"] === undefined
  ? images[0]
  : images.find((item) => item.name === values["disk-name"]);
if (!member) throw new Error(`${values.ova} has no disk image ${values["disk-name"] ?? ""}`);
const image = await imageInfo(ova, member);
console.log(`Image ${member.name}: ${image.format}, virtual size ${image.virtualSize} bytes`);

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();
const disk = await disksService.add({
  name: basename(member.name, extname(member.name)),
  description: `Uploaded from ${basename(values.ova)}`,
  contentType: types.DiskContentType.DATA,
  format: image.format,
  sparse: values.sparse === true,
  provisionedSize: image.virtualSize,
  initialSize: image.format === types.DiskFormat.COW ? member.size : undefined,
  storageDomains: [{ name: String(values["storage-domain"]) }],
});
const diskService = disksService.diskService(disk.id!);
await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Created disk ${disk.name} (${disk.id})`);

await uploadDisk(connection, disk.id!, slice(ova, member.offset, member.size), member.size, {
  format: image.format,
  onProgress: progressBar("Uploading"),
});
await waitForStatus(diskService, types.DiskStatus.OK);
console.log(`Uploaded ${member.name} from ${basename(values.ova)} into disk ${disk.name}`);

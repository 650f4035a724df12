/**
 * Makes a virtual machine (or, with `--template`, a template) out of an OVA file: uploads
 * every disk image its OVF lists into a new disk (with the disk id the OVF gives), then
 * adds the VM or template from the OVF configuration, which attaches those disks, and
 * waits until it is ready.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/upload_ova_as_vm_or_template.ts --ova vm.ova [--storage-domain data]
 * [--cluster Default] [--template]`
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
  waitFor,
  waitForStatus,
} from "../mod.ts";
import { imageInfo, slice, tarMembers } from "./lib/ova.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/upload_ova_as_vm_or_template.ts --ova vm.ova [--storage-domain data] [--cluster Default] [--template]";

const { values, usage } = scriptArgs(USAGE, {
  ova: { type: "string" },
  "storage-domain": { type: "string", default: "data" },
  cluster: { type: "string", default: "Default" },
  template: { type: "boolean", default: false },
});
if (!values.ova) throw usage("Name the OVA file with --ova");

/** The attributes of each `<tag>` element of an OVF, without their `ovf:` prefix. */
function ovfElements(ovf: string, tag: string): Record<string, string>[] {
  const elements = ovf.matchAll(new RegExp(`<(?:ovf:)?${tag}\\s([^>]*)>`, "g"));
  return [...elements].map(([, attributes]) => {
    const pairs = [...attributes.matchAll(/([\w:-]+)="([^"]*)"/g)];
    return Object.fromEntries(pairs.map(([, key, value]) => [key.replace(/^ovf:/, ""), value]));
  });
}

using ova = await Deno.open(values.ova);
const members = await tarMembers(ova);
// The OVF comes first in an OVA.
const ovf = new TextDecoder().decode(
  await new Response(slice(ova, members[0].offset, members[0].size)).arrayBuffer(),
);
const name = /VirtualSystem[^]*?<(?:ovf:)?Name>([^<]*)</.exec(ovf)?.[1];
// The archive member of each file a disk refers to.
const files = new Map(ovfElements(ovf, "File").map((file) => [file.id, file.href]));

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const disksService = systemService.disksService();

// The disks made here: removed again when no VM or template could be added with them (a
// disk attached to one is left alone: removing it would take it from its VM).
const uploaded: types.Disk[] = [];
let added: { id?: string; name?: string } | undefined;
const cluster = { name: String(values.cluster) };
const initialization = { configuration: { type: types.ConfigurationType.OVA, data: ovf } };
try {
  for (const described of ovfElements(ovf, "Disk")) {
    const memberName = files.get(described.fileRef) ?? described.fileRef;
    const member = members.find((item) => item.name === memberName);
    if (!member) throw new Error(`${values.ova} has no file ${memberName}`);
    const image = await imageInfo(ova, member);
    const disk = await disksService.add({
      id: described.diskId,
      name: described["disk-alias"] ?? basename(member.name, extname(member.name)),
      description: `Uploaded from ${basename(values.ova)}`,
      contentType: types.DiskContentType.DATA,
      format: image.format,
      sparse: described["volume-type"] === "Sparse",
      provisionedSize: image.virtualSize,
      initialSize: image.format === types.DiskFormat.COW ? member.size : undefined,
      storageDomains: [{ name: String(values["storage-domain"]) }],
    });
    uploaded.push(disk);
    const diskService = disksService.diskService(disk.id!);
    await waitForStatus(diskService, types.DiskStatus.OK);
    await uploadDisk(connection, disk.id!, slice(ova, member.offset, member.size), member.size, {
      format: image.format,
      onProgress: progressBar(`Uploading ${member.name}`),
    });
    await waitForStatus(diskService, types.DiskStatus.OK);
    console.log(`Uploaded ${member.name} into disk ${disk.name} (${disk.id})`);
  }

  // The engine reads the name, settings and disks of the VM or template from the OVF.
  console.log(`Adding ${values.template === true ? "template" : "VM"} ${name}...`);
  added = values.template === true
    ? await systemService.templatesService().add({ cluster, initialization })
    : await systemService.vmsService().add({ cluster, initialization });
} finally {
  if (!added) await removeUploaded();
}

if (values.template === true) {
  const templateService = systemService.templatesService().templateService(added.id!);
  await waitForStatus(templateService, types.TemplateStatus.OK);
  console.log(`Template ${added.name} (${added.id}) is ready`);
} else {
  await waitForStatus(systemService.vmsService().vmService(added.id!), types.VmStatus.DOWN);
  console.log(`VM ${added.name} (${added.id}) is ready`);
}

/** Removes the disks uploaded so far; says which it could not. */
async function removeUploaded(): Promise<void> {
  for (const disk of uploaded) {
    try {
      const diskService = disksService.diskService(disk.id!);
      // A disk still being made or written is locked: wait until it is not.
      await waitFor(
        () => diskService.get(),
        (current) => current.status !== types.DiskStatus.LOCKED,
      );
      await diskService.remove();
      console.error(`Removed disk ${disk.name} (${disk.id}) again`);
    } catch (error) {
      console.error(`Could not remove disk ${disk.name} (${disk.id}): ${(error as Error).message}`);
    }
  }
}

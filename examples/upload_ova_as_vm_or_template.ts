/**
 * Makes a virtual machine (or, with `--template`, a template) out of an OVA file: uploads
 * every disk image its OVF lists into a new disk (with the disk id the OVF gives), then
 * adds the VM or template from the OVF configuration, which attaches those disks, and
 * waits until it is ready. A disk is sparse or preallocated as the OVF says, unless the
 * engine refuses that (qcow2 preallocated, raw sparse on block storage: iSCSI, FC). Ctrl-C,
 * or a failure before the VM or template is added, removes the disks made (or names them,
 * with their ids, if it could not); a second Ctrl-C exits at once, naming the disks and the
 * transfer it leaves.
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
  findByName,
  progressBar,
  scriptArgs,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";
import { sparseFor } from "./lib/allocation.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { imageInfo, slice, tarMembers } from "./lib/ova.ts";
import { removeDisk } from "./lib/remove_disk.ts";
import { found } from "./lib/found.ts";
import { Refused } from "./lib/refused.ts";

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
using interrupt = onCtrlC();
const { signal } = interrupt;
const systemService = connection.systemService();
const disksService = systemService.disksService();
const domainName = String(values["storage-domain"]);
const domain = found(
  await findByName(systemService.storageDomainsService(), domainName, { signal }),
  `No storage domain named ${domainName}`,
);
const failOn = [types.DiskStatus.ILLEGAL];

// The disks made here: removed again when no VM or template could be added with them (a
// disk attached to one is left alone: removing it would take it from its VM).
const uploaded: types.Disk[] = [];
// Until then, a second Ctrl-C names them (and the transfer of the one being uploaded).
const untrackUploaded: (() => void)[] = [];
let added: { id?: string; name?: string } | undefined;
const cluster = { name: String(values.cluster) };
const initialization = { configuration: { type: types.ConfigurationType.OVA, data: ovf } };
try {
  for (const described of ovfElements(ovf, "Disk")) {
    const memberName = files.get(described.fileRef) ?? described.fileRef;
    const member = members.find((item) => item.name === memberName);
    if (!member) throw new Refused(`${values.ova} has no file ${memberName}`);
    const image = await imageInfo(ova, member);
    signal.throwIfAborted(); // an add is not cut short: its disk is to be removed below
    const disk = await disksService.add({
      id: described.diskId,
      name: described["disk-alias"] ?? basename(member.name, extname(member.name)),
      description: `Uploaded from ${basename(values.ova)}`,
      contentType: types.DiskContentType.DATA,
      format: image.format,
      sparse: sparseFor(image.format, domain, described["volume-type"] === "Sparse"),
      provisionedSize: image.virtualSize,
      initialSize: image.format === types.DiskFormat.COW ? member.size : undefined,
      storageDomains: [{ id: domain.id }],
    });
    uploaded.push(disk);
    untrackUploaded.push(interrupt.track(`disk ${disk.name} (${disk.id})`));
    const diskService = disksService.diskService(disk.id!);
    await waitForStatus(diskService, types.DiskStatus.OK, { failOn, signal });
    await interrupt.tracking((note) =>
      uploadDisk(connection, disk.id!, slice(ova, member.offset, member.size), member.size, {
        format: image.format,
        onProgress: progressBar(`Uploading ${member.name}`),
        signal,
        onTransfer: (transfer) => note(`image transfer ${transfer.id} of disk ${disk.name}`),
      })
    );
    await waitForStatus(diskService, types.DiskStatus.OK, { failOn, signal });
    console.log(`Uploaded ${member.name} into disk ${disk.name} (${disk.id})`);
  }

  // The engine reads the name, settings and disks of the VM or template from the OVF.
  console.log(`Adding ${values.template === true ? "template" : "VM"} ${name}...`);
  signal.throwIfAborted(); // the add is not cut short: the disks are its own once it is made
  added = values.template === true
    ? await systemService.templatesService().add({ cluster, initialization })
    : await systemService.vmsService().add({ cluster, initialization });
} finally {
  if (!added) await removeUploaded();
  untrackUploaded.forEach((untrack) => untrack());
}

if (values.template === true) {
  const templateService = systemService.templatesService().templateService(added.id!);
  await waitForStatus(templateService, types.TemplateStatus.OK, {
    failOn: [types.TemplateStatus.ILLEGAL],
    signal,
  });
  console.log(`Template ${added.name} (${added.id}) is ready`);
} else {
  await waitForStatus(systemService.vmsService().vmService(added.id!), types.VmStatus.DOWN, {
    signal,
  });
  console.log(`VM ${added.name} (${added.id}) is ready`);
}

/** Removes the disks uploaded so far; says which it could not. */
async function removeUploaded(): Promise<void> {
  for (const disk of uploaded) await removeDisk(disksService, disk);
}

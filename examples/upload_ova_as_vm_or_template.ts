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
import { parseArgs } from "node:util";
import {
  Connection,
  connectionOptionsFromEnv,
  type TransferProgress,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    ova: { type: "string" },
    "storage-domain": { type: "string", default: "data" },
    cluster: { type: "string", default: "Default" },
    template: { type: "boolean", default: false },
  },
  strict: false,
});
if (typeof values.ova !== "string") throw new Error("Pass the OVA file: --ova vm.ova");

interface Member {
  name: string;
  offset: number;
  size: number;
}

/** The files of a tar archive: name, where the data starts and its size. */
async function tarMembers(file: Deno.FsFile): Promise<Member[]> {
  const members: Member[] = [];
  const header = new Uint8Array(512);
  const field = (start: number, length: number) =>
    new TextDecoder().decode(header.subarray(start, start + length)).replace(/\0.*$/s, "");
  for (let offset = 0;;) {
    await file.seek(offset, Deno.SeekMode.Start);
    if (await file.read(header) !== 512 || header.every((byte) => byte === 0)) return members;
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || "0", 8);
    members.push({
      name: (prefix ? `${prefix}/` : "") + field(0, 100),
      offset: offset + 512,
      size,
    });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/** `size` bytes of `file` from `offset` on, as a stream. */
function slice(file: Deno.FsFile, offset: number, size: number): ReadableStream<Uint8Array> {
  let left = size;
  return new ReadableStream({
    async start() {
      await file.seek(offset, Deno.SeekMode.Start);
    },
    async pull(controller) {
      if (left === 0) return controller.close();
      const buffer = new Uint8Array(Math.min(left, 1024 ** 2));
      const read = await file.read(buffer);
      if (read === null) return controller.error(new Error("The archive ended early"));
      left -= read;
      controller.enqueue(buffer.subarray(0, read));
    },
  });
}

/** The format and virtual size of an image; a qcow2 image says its size in its header. */
async function imageInfo(file: Deno.FsFile, member: Member) {
  await file.seek(member.offset, Deno.SeekMode.Start);
  const header = new Uint8Array(32);
  const view = new DataView(header.buffer);
  if (await file.read(header) === 32 && view.getUint32(0) === 0x514649fb) {
    return { format: types.DiskFormat.COW, virtualSize: Number(view.getBigUint64(24)) };
  }
  return { format: types.DiskFormat.RAW, virtualSize: member.size };
}

/** Shows progress: one line redrawn in place on a terminal, a line per 10% otherwise. */
function progressBar(label: string): (progress: TransferProgress) => void {
  const terminal = Deno.stdout.isTerminal();
  const encoder = new TextEncoder();
  let shownTenths = -1;
  return ({ transferred, total }) => {
    const percent = total > 0 && Number.isFinite(total) ? Math.floor(100 * transferred / total) : 0;
    const line = `${label} ${percent}% (${(transferred / 1024 ** 2).toFixed(1)} MiB)`;
    if (terminal) {
      Deno.stdout.writeSync(encoder.encode(`\r${line}${transferred >= total ? "\n" : ""}`));
    } else if (Math.floor(percent / 10) > shownTenths) {
      shownTenths = Math.floor(percent / 10);
      console.log(line);
    }
  };
}

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
const cluster = { name: String(values.cluster) };
const initialization = { configuration: { type: types.ConfigurationType.OVA, data: ovf } };
if (values.template === true) {
  const templatesService = systemService.templatesService();
  const template = await templatesService.add({ cluster, initialization });
  await waitForStatus(templatesService.templateService(template.id!), types.TemplateStatus.OK);
  console.log(`Template ${template.name} (${template.id}) is ready`);
} else {
  const vmsService = systemService.vmsService();
  const vm = await vmsService.add({ cluster, initialization });
  await waitForStatus(vmsService.vmService(vm.id!), types.VmStatus.DOWN);
  console.log(`VM ${vm.name} (${vm.id}) is ready`);
}

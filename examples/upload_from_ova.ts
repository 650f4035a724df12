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
    "disk-name": { type: "string" },
    "storage-domain": { type: "string", default: "data" },
    sparse: { type: "boolean", default: false },
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

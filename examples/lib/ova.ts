/**
 * Reading OVA files (tar archives of an OVF and disk images) for the OVA examples: the
 * archive's members, a member's bytes as a stream, and an image's format and size.
 *
 * @module
 */

import { types } from "../../mod.ts";

/** One file of a tar archive. */
export interface Member {
  name: string;
  offset: number;
  size: number;
}

/** The files of a tar archive: name, where the data starts and its size. */
export async function tarMembers(file: Deno.FsFile): Promise<Member[]> {
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
export function slice(file: Deno.FsFile, offset: number, size: number): ReadableStream<Uint8Array> {
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
export async function imageInfo(
  file: Deno.FsFile,
  member: Member,
): Promise<{ format: types.DiskFormat; virtualSize: number }> {
  await file.seek(member.offset, Deno.SeekMode.Start);
  const header = new Uint8Array(32);
  const view = new DataView(header.buffer);
  if (await file.read(header) === 32 && view.getUint32(0) === 0x514649fb) {
    return { format: types.DiskFormat.COW, virtualSize: Number(view.getBigUint64(24)) };
  }
  return { format: types.DiskFormat.RAW, virtualSize: member.size };
}

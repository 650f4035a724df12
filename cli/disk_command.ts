/**
 * `ovirt disk upload FILE` and `ovirt disk download DISK FILE`: image transfers with a
 * progress bar on standard error (the SDK's `uploadDisk`, `downloadDisk`, `progressBar`).
 * An upload creates the disk first unless `--disk` names one; a qcow2 file is recognised
 * by its header and uploaded as a `cow` disk of its virtual size.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { downloadDisk, progressBar, type types, uploadDisk, waitForStatus } from "../mod.ts";
import { findResource } from "./command_table.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS, parseDuration } from "./options.ts";
import { render } from "./output/render.ts";
import { resolveId } from "./resolve.ts";
import { convert, parseInteger, parseStruct } from "./values.ts";

/** Help of `ovirt disk upload`. */
export const UPLOAD_HELP =
  `Usage: ovirt disk upload FILE --storage-domain SD [--name NAME] [--sparse]
       ovirt disk upload FILE --disk NAME|ID

Uploads a raw or qcow2 image into a new disk on the storage domain (named after the file
unless --name) or into an existing disk, with a progress bar on stderr, and prints the disk.
--size sets the new disk's virtual size (default: the image's). --wait-timeout limits the
wait for the new disk to be ready (default 10m); --wait-interval is the time between polls
of the disk and the transfer (default 1s).
`;

/** Help of `ovirt disk download`. */
export const DOWNLOAD_HELP = `Usage: ovirt disk download NAME|ID FILE [--format raw|cow]

Downloads a disk into FILE (- for stdout), with a progress bar on stderr. --wait-interval
is the time between polls of the transfer (default 1s).
`;

const QCOW2_MAGIC = [0x51, 0x46, 0x49, 0xfb];

/** What the first bytes of an image say: its format and virtual size. */
async function probe(
  path: string,
  size: number,
): Promise<{ format: types.DiskFormat; virtual: number }> {
  using file = await Deno.open(path);
  const header = new Uint8Array(32);
  const count = await file.read(header) ?? 0;
  if (count >= 32 && QCOW2_MAGIC.every((byte, index) => header[index] === byte)) {
    const virtual = Number(new DataView(header.buffer).getBigUint64(24));
    return { format: "cow" as types.DiskFormat, virtual };
  }
  return { format: "raw" as types.DiskFormat, virtual: size };
}

/** Runs `ovirt disk upload`. */
export async function runUpload(context: Context, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...GLOBAL_OPTIONS,
      disk: { type: "string" },
      name: { type: "string" },
      "storage-domain": { type: "string" },
      sparse: { type: "boolean" },
      size: { type: "string" },
      "wait-timeout": { type: "string" },
      "wait-interval": { type: "string" },
    },
    allowPositionals: true,
    allowNegative: true,
  });
  if (positionals.length !== 1) throw new UsageError("ovirt disk upload: give one FILE");
  const path = positionals[0];
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (error) {
    throw new UsageError(`ovirt disk upload: ${path}: ${(error as Error).message}`);
  }
  const { format, virtual } = await probe(path, stat.size);
  const pollInterval = parseDuration(values["wait-interval"] ?? "1s", "wait-interval");
  if (values.disk === undefined && values["storage-domain"] === undefined) {
    throw new UsageError("ovirt disk upload: give --storage-domain for a new disk, or --disk");
  }
  const { connection } = await context.session();
  const disks = connection.systemService().disksService();
  let diskId: string;
  let label: string;
  if (values.disk !== undefined) {
    diskId = await resolveId(connection, findResource("disks")!, "disks", values.disk);
    label = values.disk;
  } else {
    const name = values.name ?? path.split("/").pop()!.replace(/\.(raw|img|qcow2)$/, "");
    const storageDomain = parseStruct(
      values["storage-domain"]!,
      "StorageDomain",
      "--storage-domain",
    );
    const created = await disks.add({
      name,
      format,
      provisionedSize: values.size ? parseInteger(values.size, "--size") : virtual,
      sparse: values.sparse ?? format === "cow",
      storageDomains: [storageDomain],
    } as types.Disk);
    diskId = created.id!;
    label = name;
    await waitForStatus(disks.diskService(diskId), "ok", {
      interval: pollInterval,
      timeout: parseDuration(values["wait-timeout"] ?? "10m", "wait-timeout"),
    });
  }
  const file = await Deno.open(path);
  await uploadDisk(connection, diskId, file.readable, stat.size, {
    format,
    pollInterval,
    onProgress: progressBar(`Uploading ${label}`, Deno.stderr),
  });
  context.out(render(await disks.diskService(diskId).get(), "Disk", context.output));
}

/** Runs `ovirt disk download`. */
export async function runDownload(context: Context, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...GLOBAL_OPTIONS, format: { type: "string" }, "wait-interval": { type: "string" } },
    allowPositionals: true,
    allowNegative: true,
  });
  if (positionals.length !== 2) throw new UsageError("ovirt disk download: give a DISK and a FILE");
  const [word, path] = positionals;
  const format = values.format === undefined
    ? undefined
    : convert(values.format, { kind: "enum", type: "DiskFormat" }, "--format") as types.DiskFormat;
  const { connection } = await context.session();
  const id = await resolveId(connection, findResource("disks")!, "disks", word);
  const destination = path === "-"
    ? Deno.stdout.writable
    : (await Deno.open(path, { write: true, create: true, truncate: true })).writable;
  await downloadDisk(connection, id, destination, {
    ...(format ? { format } : {}),
    pollInterval: parseDuration(values["wait-interval"] ?? "1s", "wait-interval"),
    onProgress: progressBar(`Downloading ${word}`, Deno.stderr),
  });
}

/**
 * `ovirt disk upload FILE` and `ovirt disk download DISK FILE`: image transfers with a
 * progress bar on standard error. An upload into a new disk is the SDK's `uploadImage` (the
 * image's header decides the disk's format and size, and what cannot be sent as it is, such
 * as a VMDK file, is refused), into an existing disk `uploadDisk` after the same checks (and
 * its own: the disk's format and size); a download into a file is `downloadImage`, to
 * standard output (`-`) `downloadDisk`.
 *
 * @module
 */

import {
  type Connection,
  downloadDisk,
  downloadImage,
  type ImageInfo,
  type ImageTransferOptions,
  probeImage,
  progressBar,
  type types,
  uploadDisk,
  uploadImage,
} from "../mod.ts";
import { diskNameFor } from "../helpers/image_upload.ts";
import { untilAborted } from "../transport/abortable.ts";
import { findResource } from "./command_table.ts";
import type { Context } from "./context.ts";
import { OutputClosedError, UsageError } from "./errors.ts";
import { type OptionSpec, type ParsedFlags, parseDuration, parseInterval } from "./options.ts";
import { render } from "./output/render.ts";
import { resolveId } from "./resolve.ts";
import { noteTransfer, type TransferNotes } from "./transfer_leftovers.ts";
import { convert, parseInteger, parseStruct } from "./values.ts";

/** Help of `ovirt disk upload`. */
export const UPLOAD_HELP =
  `Usage: ovirt disk upload FILE --storage-domain SD [--name NAME] [--sparse]
       ovirt disk upload FILE --disk NAME|ID

Uploads a raw or qcow2 image into a new disk on the storage domain (named after the file,
what a disk alias cannot hold made '_', unless --name) or into an existing disk, with a
progress bar on stderr, and prints the disk.
Images that cannot be sent as they are (VMDK, VHD, VDI, compressed, encrypted or backed
qcow2) are refused before anything is sent, and so, with --disk, are a qcow2 image for a
raw disk and an image larger than the disk (a failed upload leaves it illegal). --size sets the new disk's virtual size
(default: the image's; a raw image may go into a larger disk). --wait-timeout limits each
wait for the disk and the transfer (default 10m); --wait-interval is the time between polls
(default 1s). A new disk is removed again if the upload fails.
`;

/** Help of `ovirt disk download`. */
export const DOWNLOAD_HELP =
  `Usage: ovirt disk download NAME|ID FILE [--format raw|cow] [--overwrite]

Downloads a disk into FILE (- for stdout), with a progress bar on stderr. A FILE that exists
is refused unless --overwrite; then the disk goes into a new file beside it, which replaces
FILE only once the download is complete (a failed download leaves FILE as it was).
--wait-interval is the time between polls of the transfer (default 1s).
`;

/** The flags of `ovirt disk download`. */
export const DOWNLOAD_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  format: { type: "string" },
  overwrite: { type: "boolean" },
  "wait-interval": { type: "string" },
};

/** The flags of `ovirt disk upload`. */
export const UPLOAD_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  disk: { type: "string" },
  name: { type: "string" },
  "storage-domain": { type: "string" },
  sparse: { type: "boolean" },
  size: { type: "string" },
  "wait-timeout": { type: "string" },
  "wait-interval": { type: "string" },
};

/** Runs `ovirt disk upload`. */
export async function runUpload(context: Context, args: ParsedFlags): Promise<void> {
  const values = args.values as {
    disk?: string;
    name?: string;
    "storage-domain"?: string;
    sparse?: boolean;
    size?: string;
    "wait-timeout"?: string;
    "wait-interval"?: string;
  };
  const { positionals } = args;
  if (positionals.length !== 1) throw new UsageError("ovirt disk upload: give one FILE");
  const path = positionals[0];
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (error) {
    throw new UsageError(`ovirt disk upload: ${path}: ${(error as Error).message}`);
  }
  if (!stat.isFile) throw new UsageError(`ovirt disk upload: ${path} is not a file`);
  if (stat.size === 0) throw new UsageError(`ovirt disk upload: ${path} is empty`);
  if (values.disk === undefined && values["storage-domain"] === undefined) {
    throw new UsageError("ovirt disk upload: give --storage-domain for a new disk, or --disk");
  }
  const pollInterval = parseInterval(values["wait-interval"] ?? "1s", "wait-interval");
  const phaseTimeout = parseDuration(values["wait-timeout"] ?? "10m", "wait-timeout");
  const size = values.size === undefined ? undefined : parseInteger(values.size, "--size");
  // Before anything is sent: what cannot go as it is (VMDK, compressed qcow2...) is refused.
  const image = await probeImage(path);
  if (size !== undefined) checkSize(path, image, size, values.disk !== undefined);
  const { connection } = await context.session();
  const { signal } = context;
  const disks = connection.systemService().disksService();
  let disk: types.Disk;
  if (values.disk !== undefined) {
    const diskId = await resolveId(
      connection,
      findResource("disks")!,
      "disks",
      values.disk,
      signal,
    );
    using file = await Deno.open(path);
    using left = lockedDisk(context, values.disk, diskId);
    await uploadDisk(connection, diskId, file.readable, image.fileSize, {
      format: image.format,
      pollInterval,
      signal,
      onTransfer: left.onTransfer,
      onProgress: progressBar(`Uploading ${values.disk}`, context.progressOutput()),
    });
    disk = await disks.diskService(diskId).get({ signal });
  } else {
    const name = values.name ?? diskNameFor(path);
    using left = noteTransfer(
      context.leftovers,
      `the new disk "${name}"`,
      ` on storage domain ${values["storage-domain"]}: remove it once the engine unlocks it`,
    );
    ({ disk } = await uploadImage(connection, path, {
      onDisk: left.onDisk,
      onTransfer: left.onTransfer,
      storageDomain: parseStruct(values["storage-domain"]!, "StorageDomain", "--storage-domain"),
      name,
      sparse: values.sparse ?? image.format === "cow",
      ...(size === undefined ? {} : { provisionedSize: size }),
      pollInterval,
      phaseTimeout,
      signal,
      onProgress: progressBar(`Uploading ${name}`, context.progressOutput()),
    }));
  }
  context.out(render(disk, "Disk", context.output));
}

/**
 * Refuses, before anything is sent, a `--size` the new disk cannot have: smaller than the
 * image, or other than the size a qcow2 image's header says; `--size` with `--disk` too.
 */
function checkSize(path: string, image: ImageInfo, size: number, existing: boolean): void {
  if (existing) throw new UsageError("ovirt disk upload: --size is for a new disk, not --disk");
  const why = image.format === "cow" && size !== image.virtualSize
    ? `a qcow2 image's disk is the ${image.virtualSize} bytes its header says`
    : size < image.virtualSize
    ? `the image holds ${image.virtualSize} bytes`
    : undefined;
  if (why) throw new UsageError(`ovirt disk upload: --size ${size} for ${path}: ${why}`);
}

/** Runs `ovirt disk download`. */
export async function runDownload(context: Context, args: ParsedFlags): Promise<void> {
  const values = args.values as { format?: string; overwrite?: boolean; "wait-interval"?: string };
  const { positionals } = args;
  if (positionals.length !== 2) throw new UsageError("ovirt disk download: give a DISK and a FILE");
  const [word, path] = positionals;
  const format = values.format === undefined
    ? undefined
    : convert(values.format, { kind: "enum", type: "DiskFormat" }, "--format") as types.DiskFormat;
  const options = {
    ...(format ? { format } : {}),
    pollInterval: parseInterval(values["wait-interval"] ?? "1s", "wait-interval"),
    signal: context.signal,
    onProgress: progressBar(`Downloading ${word}`, context.progressOutput()),
  };
  const replaces = path !== "-" && await existingFile(path, values.overwrite === true);
  const { connection } = await context.session();
  const id = await resolveId(connection, findResource("disks")!, "disks", word, context.signal);
  using left = lockedDisk(context, word, id);
  const noted = { ...options, onTransfer: left.onTransfer };
  if (path === "-") {
    await downloadToStdout(connection, id, noted);
  } else {
    const directory = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
    const base = path.slice(directory.length);
    using _file = context.leftovers.note(
      replaces ? `a partial file ${directory}.${base}.*.part` : `the partial file ${path}`,
    );
    // A new file is removed again if the download fails; an existing one is replaced only
    // once the download is complete (downloadImage writes beside it until then).
    await downloadImage(connection, id, path, { ...noted, overwrite: replaces });
  }
}

/** Notes disk `word` (`id`), locked by the transfer the command is about to make. */
function lockedDisk(context: Context, word: string, id: string): TransferNotes {
  return noteTransfer(
    context.leftovers,
    `disk ${word} (${id})`,
    ", locked by its image transfer until the engine ends it",
  );
}

/**
 * Downloads disk `id` to standard output. Once its reader has gone (`| head -c 10`), the
 * transfer is cancelled as after any failure, and the command ends with
 * {@link OutputClosedError} (exit 0, no message), as other output does.
 */
async function downloadToStdout(
  connection: Connection,
  id: string,
  options: ImageTransferOptions,
): Promise<void> {
  let closed = false;
  const stdout = new WritableStream<Uint8Array>({
    async write(chunk) {
      try {
        for (let rest = chunk; rest.byteLength > 0;) {
          // A write waiting for a stalled reader is left behind at Ctrl-C or SIGTERM, so
          // that the transfer's clean-up need not wait for it.
          rest = rest.subarray(await untilAborted(Deno.stdout.write(rest), options.signal));
        }
      } catch (error) {
        if (error instanceof Deno.errors.BrokenPipe) closed = true;
        throw closed ? new OutputClosedError() : error;
      }
    },
  });
  try {
    await downloadDisk(connection, id, stdout, options);
  } catch (error) {
    // downloadDisk cancelled the transfer; the reason it gives may be the engine's view.
    if (closed) throw new OutputClosedError();
    throw error;
  }
}

/**
 * Whether a file is at `path` already: refused unless `overwrite`, and then only a regular
 * file. Checked before anything is sent.
 */
async function existingFile(path: string, overwrite: boolean): Promise<boolean> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new UsageError(`ovirt disk download: ${path}: ${(error as Error).message}`);
  }
  if (!info.isFile) throw new UsageError(`ovirt disk download: ${path} is not a regular file`);
  if (!overwrite) {
    throw new UsageError(
      `ovirt disk download: ${path} exists; give --overwrite to replace it (once the download ` +
        "is complete)",
    );
  }
  return true;
}

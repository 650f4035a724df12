/**
 * Backs up disks of a running virtual machine through the engine's backup API: starts a
 * full backup (or an incremental one since a checkpoint), downloads every disk of the
 * backup into a file while the VM keeps running, and finalizes the backup. The engine
 * then keeps a checkpoint to start the next incremental backup from.
 *
 * The disks come down whole, as raw guest data, even from an incremental backup
 * (ovirt-imageio's client can fetch just the changed extents into qcow2 files instead).
 * A `--disk` name that is not one of the VM's disks is an error, and so is one the engine
 * never backs up (a direct LUN, a shareable disk); without `--disk` these are left out, said.
 * Ctrl-C stops the backup: the download in progress ends (its partial file removed) and the
 * backup is finalized; the checkpoint it leaves is then named as one no incremental backup is
 * to start from (the same after a failed download).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write examples/backup_vm.ts
 * [--vm vm001] [--disk NAME]... [--from-checkpoint ID] [--backup-dir .] [--skip-download]`
 *
 * @module
 */

import { join } from "node:path";
import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  progressBar,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import { endTransfer } from "./lib/end_transfer.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found, NotFound } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/backup_vm.ts [--vm vm001] [--disk NAME]... [--from-checkpoint ID] [--backup-dir .] [--skip-download]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  disk: { type: "string", multiple: true },
  "from-checkpoint": { type: "string" },
  "backup-dir": { type: "string", default: "." },
  "skip-download": { type: "boolean", default: false },
});
const fromCheckpoint = typeof values["from-checkpoint"] === "string"
  ? values["from-checkpoint"]
  : undefined;
const CHUNK = 8 * 1024 ** 2;

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
using interrupt = onCtrlC();
const { signal } = interrupt;
const vm = found(
  await findByName(systemService.vmsService(), values.vm, { signal }),
  `No VM named ${values.vm}`,
);
const vmService = systemService.vmsService().vmService(vm.id!);

/**
 * Downloads one disk of backup `backupId` into `path`: the transfer names the backup,
 * so that the image server reads the disk as the backup froze it. The transfer is ended
 * whatever happens (Ctrl-C too), and a file not complete is removed.
 */
async function downloadBackupDisk(backupId: string, disk: types.Disk, path: string) {
  const transfersService = systemService.imageTransfersService();
  const created = await transfersService.add({
    disk: { id: disk.id },
    backup: { id: backupId },
    direction: types.ImageTransferDirection.DOWNLOAD,
    format: types.DiskFormat.RAW,
  }); // not cut short by Ctrl-C: the transfer it makes is to be ended below
  const transferService = transfersService.imageTransferService(created.id!);
  const untrack = interrupt.track(`image transfer ${created.id} of disk ${disk.name}`);
  let complete = false;
  try {
    const transfer = await waitFor(
      () => transferService.get(),
      (current) => current.phase !== types.ImageTransferPhase.INITIALIZING,
      { interval: 1000, signal },
    );
    if (transfer.phase !== types.ImageTransferPhase.TRANSFERRING) {
      throw new Error(`Transfer ${transfer.id} is ${transfer.phase}, not transferring`);
    }
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const writer = file.writable.getWriter();
    try {
      const size = Number(disk.provisionedSize!);
      const showProgress = progressBar(`Downloading ${disk.name}`);
      for (let offset = 0; offset < size; offset += CHUNK) {
        const end = Math.min(offset + CHUNK, size) - 1;
        const response = await connection.transferRequest({
          method: "GET",
          url: transfer.transferUrl ?? transfer.proxyUrl!,
          headers: { Range: `bytes=${offset}-${end}` },
          signal,
        });
        if (response.status !== 206) {
          const reason = await new Response(response.body).text();
          throw new Error(`Reading ${disk.name} failed with HTTP ${response.status}: ${reason}`);
        }
        for await (const piece of response.body) await writer.write(piece);
        showProgress({ transferred: end + 1, total: size });
      }
      complete = true;
    } finally {
      await writer.close();
      if (!complete) {
        await Deno.remove(path);
        console.error(`Removed the incomplete file ${path}`);
      }
    }
  } finally {
    await endTransfer(transferService, complete);
    untrack();
  }
}

/** Why the engine leaves `disk` out of every backup (it keeps image disks not shared). */
function notBackedUp(disk: types.Disk): string | undefined {
  if (disk.storageType !== undefined && disk.storageType !== types.DiskStorageType.IMAGE) {
    return `a ${disk.storageType} disk, not an image`;
  }
  return disk.shareable === true ? "shareable" : undefined;
}

// The disks to back up: those named (each must be one of the VM's, and one a backup covers),
// or all of the VM's that a backup covers.
const disks: types.Disk[] = [];
const listed: string[] = [];
for (const attachment of await vmService.diskAttachmentsService().list({ signal })) {
  const disk = await systemService.disksService().diskService(attachment.disk!.id!).get({
    signal,
  });
  if (values.disk?.length && !values.disk.includes(disk.name!)) continue;
  listed.push(disk.name!);
  const why = notBackedUp(disk);
  if (why === undefined) disks.push(disk);
  else if (values.disk?.length) {
    throw new Error(`Disk ${disk.name} (${disk.id}) of VM ${vm.name} is ${why}: no backup has it`);
  } else console.log(`Leaving out disk ${disk.name} (${disk.id}): ${why}, no backup has it`);
}
const unknown = values.disk?.filter((name) => !listed.includes(name)) ?? [];
if (unknown.length > 0) {
  throw new NotFound(`VM ${vm.name} has no disk ${unknown.join(", no disk ")}`);
}
if (disks.length === 0) throw new Error(`VM ${vm.name} has no disk a backup can have`);

const backupsService = vmService.backupsService();
// Not cut short by Ctrl-C: the backup it starts is to be finalized below.
const started = await backupsService.add({
  disks: disks.map((disk) => ({ id: disk.id })),
  fromCheckpointId: fromCheckpoint,
});
const kind = fromCheckpoint ? `incremental (since checkpoint ${fromCheckpoint})` : "full";
console.log(`Started ${kind} backup ${started.id} of VM ${vm.name}`);
const backupService = backupsService.backupService(started.id!);
const untrackBackup = interrupt.track(`backup ${started.id} of VM ${vm.name}`);

// The checkpoint the backup leaves, and whether every disk of it was saved.
let checkpoint: string | undefined;
let saved = false;
try {
  const backup = await waitFor(
    () => backupService.get(),
    (current) =>
      current.phase === types.BackupPhase.READY || current.phase === types.BackupPhase.FAILED,
    { interval: 1000, signal },
  );
  if (backup.phase === types.BackupPhase.FAILED) throw new Error(`Backup ${backup.id} failed`);
  checkpoint = backup.toCheckpointId;
  console.log(`Backup is ready; it will leave checkpoint ${checkpoint}`);
  if (values["skip-download"] !== true) {
    const timestamp = new Date().toISOString().replace(/\D/g, "").slice(0, 12);
    for (const disk of await backupService.disksService().list()) {
      const mode = disk.backupMode === types.DiskBackupMode.INCREMENTAL ? "incremental" : "full";
      const path = join(String(values["backup-dir"]), `${disk.id}.${timestamp}.${mode}.raw`);
      await downloadBackupDisk(backup.id!, disk, path);
      console.log(`Saved disk ${disk.name} (${mode}) to ${path}`);
    }
  }
  saved = true;
} finally {
  await endBackup();
  untrackBackup();
  // The engine keeps the checkpoint whatever became of the files (only the oldest one can be
  // removed): an incremental backup from it would miss what this backup did not save.
  if (!saved && checkpoint !== undefined) {
    console.error(
      `Checkpoint ${checkpoint} stands for a backup that was not saved: take the next backup ` +
        `in full, not with --from-checkpoint ${checkpoint}`,
    );
  }
}

/**
 * Finalizes the backup (once it is ready, when Ctrl-C came while it was starting) and waits
 * until it has ended; says so, naming the backup, when it could not.
 */
async function endBackup(): Promise<void> {
  try {
    const current = await waitFor(
      () => backupService.get(),
      (backup) =>
        backup.phase === types.BackupPhase.READY || backup.phase === types.BackupPhase.FAILED ||
        backup.phase === types.BackupPhase.SUCCEEDED,
      { interval: 1000 },
    );
    if (current.phase === types.BackupPhase.READY) await backupService.finalize();
    const ended = await waitFor(
      () => backupService.get(),
      (backup) =>
        backup.phase === types.BackupPhase.SUCCEEDED || backup.phase === types.BackupPhase.FAILED,
      { interval: 1000 },
    );
    console.log(`Finalized backup ${ended.id}: ${ended.phase}`);
  } catch (error) {
    console.error(
      `Could not finalize backup ${started.id} of VM ${vm!.name}: ${(error as Error).message}`,
    );
    Deno.exitCode = 1;
  }
}

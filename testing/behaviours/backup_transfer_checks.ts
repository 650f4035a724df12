/**
 * What the engine checks before it starts an image transfer of a VM backup's disk
 * (`TransferDiskImageCommand.validateImageTransfer`, the backup branch): the backup exists
 * and is `ready` (its disks are exposed to transfers only then), and the transfer reads the
 * guest's data through imageio's NBD backend, so it cannot be asked for as a qcow2 file.
 * Whether the disk is one the backup covers is not checked there: a live backup's host
 * has no address for another, and the transfer is stopped once created.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";

/**
 * Refuses a transfer for backup `backupId` as the engine does: a backup that does not exist
 * (400), one that is not `ready` (409, naming its phase as the engine does), and `format`
 * `cow` (400); without `format`, the disk's own is shown.
 */
export function checkBackupTransfer(engine: Engine, backupId: string, format: unknown): void {
  const backup = backupWithId(engine, backupId)?.backup;
  if (!backup) {
    throw badParameters(`Cannot transfer Virtual Disk. There is no VM backup with id ${backupId}.`);
  }
  if (backup.phase !== "ready") {
    const phase = String(backup.phase).toUpperCase();
    throw conflict(
      `Cannot transfer Virtual Disk. VM backup ${backupId} is in phase ${phase}: ` +
        "its disks can be transferred only while it is READY.",
    );
  }
  if (format === "cow") {
    throw badParameters(
      "Cannot transfer Virtual Disk. A VM backup's disk is read as raw guest data: " +
        "format cow cannot be asked for.",
    );
  }
}

/**
 * Whether the host has an address for disk `diskId` in backup `backupId`. A live backup's
 * (its VM up) host exposes only the disks the backup covers: for any other the engine finds
 * no address, the host refuses the transfer's ticket and the system stops the transfer. A
 * cold backup's transfer reads the disk's own volume, whichever disk it is.
 */
export function backupExposes(engine: Engine, backupId: string, diskId: string): boolean {
  const found = backupWithId(engine, backupId);
  if (!found || found.vm.status !== "up") return true;
  const backupPath = `${found.path}/${encodeURIComponent(backupId)}`;
  return engine.store.get(`${backupPath}/disks`, diskId) !== undefined;
}

/**
 * The backup with id `id`, of whichever VM (the engine looks backups up by id alone), with
 * its collection's path and its VM.
 */
function backupWithId(
  engine: Engine,
  id: string,
): { backup: Entity; path: string; vm: Entity } | undefined {
  for (const vm of engine.store.items("vms")) {
    const path = `vms/${encodeURIComponent(vm.id)}/backups`;
    const backup = engine.store.get(path, id);
    if (backup) return { backup, path, vm };
  }
  return undefined;
}

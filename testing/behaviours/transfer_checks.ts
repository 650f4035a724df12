/**
 * What the engine checks before it starts an image transfer
 * (`TransferDiskImageCommand.validateImageTransfer`): the disk is not `illegal` (a failed
 * upload leaves it so: it can be removed, not transferred again), it is not plugged into a
 * VM that is not down (unless the transfer reads a disk snapshot), and it is not locked. A
 * backup's transfer is checked as a backup's instead of the last two
 * (`backup_transfer_checks.ts`).
 *
 * @module
 */

import { conflict, Refusal } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import { checkBackupTransfer } from "./backup_transfer_checks.ts";

/** What a transfer is, for {@link checkTransferable}. */
export interface TransferRequest {
  /** The id of the backup it names (`backup`), if any. */
  readonly backup?: string;
  /** Whether it reads a disk snapshot's layer. */
  readonly layer: boolean;
  /** The `format` it asks for, if any. */
  readonly format?: unknown;
}

/**
 * Refuses a transfer of `disk` as the engine does; `of` says whether the transfer belongs
 * to a backup (its disk may be locked, its VMs running) or reads a disk snapshot's layer
 * (its VMs may be running).
 */
export function checkTransferable(engine: Engine, disk: Entity, of: TransferRequest): void {
  if (disk.status === "illegal") {
    // ACTION_TYPE_FAILED_DISKS_ILLEGAL is of the engine's INTERNAL_ERROR type: a 500.
    throw new Refusal(
      500,
      "Operation Failed",
      `[Cannot transfer Virtual Disk. The following attached disks are in ILLEGAL status: ${disk.name} - please remove them and try again.]`,
    );
  }
  // The engine checks neither the lock (the backup holds it) nor the VMs for a backup.
  if (of.backup !== undefined) return checkBackupTransfer(engine, of.backup, of.format);
  if (!of.layer) {
    const running = runningVmsWithDisk(engine, disk.id);
    if (running.length > 0) {
      throw conflict(
        `Cannot transfer Virtual Disk. The disk ${disk.name} is plugged to non-Down VMs: ${
          running.join(",")
        }`,
      );
    }
  }
  if (disk.status === "locked") {
    throw conflict("Cannot transfer Virtual Disk: Disk is locked. Please try again later.");
  }
}

/** The names, sorted, of the VMs not down that disk `diskId` is plugged into. */
function runningVmsWithDisk(engine: Engine, diskId: string): string[] {
  return engine.store.items("vms")
    .filter((vm) => vm.status !== "down")
    .filter((vm) => {
      const attachments = `vms/${encodeURIComponent(vm.id)}/diskattachments`;
      const attachment = engine.store.get(attachments, diskId);
      return attachment !== undefined && attachment.active !== false;
    })
    .map((vm) => String(vm.name))
    .sort();
}

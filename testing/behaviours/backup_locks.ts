/**
 * What a VM backup that has not ended (not `succeeded` nor `failed`) holds, as the engine's
 * `StartVmBackupCommand` does: a lock on its VM (`LockingGroup.VM`, until the backup's end)
 * that refuses with 409, before any other check of theirs (the engine takes a command's locks
 * before it validates it), every command that locks the VM too: removing the VM, a snapshot
 * of it, another backup, running (even a paused VM), migrating or hibernating it, previewing,
 * committing, undoing, restoring or removing a snapshot, removing a checkpoint. Stopping,
 * shutting down and rebooting take no lock: the engine refuses them during a backup unless
 * forced (`isVmDuringBackup`, checked before the VM's status).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";

/** Phases of a backup that has ended (`VmBackupPhase.isBackupFinished`). */
const ENDED: ReadonlySet<string> = new Set(["succeeded", "failed"]);

/** The backup of VM `vmId` that has not ended yet, if any. */
function backupUnderway(engine: Engine, vmId: string): Entity | undefined {
  return engine.store.items(`vms/${encodeURIComponent(vmId)}/backups`)
    .find((backup) => !ENDED.has(backup.phase as string));
}

/**
 * Refuses `what` (`remove VM`, `create Snapshot`, `run VM`, ...) on `vm` with 409 while a
 * backup of it has not ended (`ACTION_TYPE_FAILED_VM_IS_DURING_BACKUP`, a CONFLICT).
 */
export function checkNotDuringBackup(engine: Engine, vm: Entity, what: string): void {
  const backup = backupUnderway(engine, vm.id);
  if (!backup) return;
  throw conflict(
    `Cannot ${what}. VM ${vm.name} is being backed up (backup ${backup.id}): ` +
      "try again once that backup has ended.",
  );
}

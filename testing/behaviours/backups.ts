/**
 * VM backups: `initializing` -> `starting` -> `ready`; `finalize` -> `finalizing` ->
 * `succeeded`. A backup covers the VM's image disks among those it names (none when it
 * names none; never a direct LUN or shareable disk: `StartVmBackupCommand.getDisks()`),
 * listed below it with their `backup_mode` (`incremental` for a disk in the checkpoint it
 * starts from, else `full`). The disks it covers are `locked` from its start until it has
 * ended (then `ok`, an `illegal` one staying so), as the engine's `StartVmBackupCommand`
 * keeps them; its own image transfers read them all the same (`transfer_checks.ts`), and
 * their end leaves them locked (`transfer_ends.ts`). A disk it would cover that something
 * else has locked is refused (409), and so is a backup of a VM whose backup has not ended
 * (`backup_locks.ts`, which lists what else such a VM refuses). One
 * with a qcow2 disk leaves a checkpoint (the backup's `to_checkpoint_id`, listing its qcow2
 * disks) whose parent is the VM's newest checkpoint, for the next incremental backup. Only
 * the oldest checkpoint can be removed, and none while a backup of the VM has not ended.
 *
 * It makes one kind of backup: of the active volume, with no snapshot, the engine's
 * `StartVmBackupCommand`, which the engine runs when the query has `legacy=true` (what the
 * SDK sends for `useActive: true`) or the VM's level lacks hybrid backups. Without `legacy`,
 * an engine at 4.7 or later runs `HybridBackupCommand` instead, which takes a snapshot of the
 * VM first and names it in the backup's `snapshot`: the simulator does not, whatever
 * `legacy` says, so it reads no `legacy` (nor `require_consistency`, which only the former
 * reads).
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import type { Entity } from "../store.ts";
import { checkNotDuringBackup } from "./backup_locks.ts";
import { change, transition } from "./lifecycle.ts";

/**
 * The disks of VM `vmPath` (`vms/{id}`) a backup of `requested` covers: its image disks
 * that are not shareable, in the VM's order. Refuses ids of disks that do not exist.
 */
function backedUpDisks(
  engine: Engine,
  vmPath: string,
  requested: readonly { id?: string }[],
): Entity[] {
  const ids = new Set(requested.map((disk) => disk.id));
  const missing = [...ids].filter((id) => id === undefined || !engine.store.get("disks", id));
  if (missing.length) {
    throw badParameters(
      `Cannot backup VM. The following disk(s) ID(s) does not exist: ${missing.join(", ")}.`,
    );
  }
  return engine.store.items(`${vmPath}/diskattachments`)
    .map((attachment) => engine.store.get("disks", attachment.id))
    .filter((disk): disk is Entity =>
      disk !== undefined && ids.has(disk.id) && disk.storageType !== "lun" &&
      disk.shareable !== true
    );
}

/**
 * Refuses a backup of `covered` if any of them is locked (by a transfer, a snapshot, ...):
 * 409, naming them (`diskImagesNotLocked`, `ACTION_TYPE_FAILED_DISKS_LOCKED`, a CONFLICT).
 */
function checkNotLocked(covered: readonly Entity[]): void {
  const locked = covered.filter((disk) => disk.status === "locked").map((disk) => disk.name);
  if (locked.length === 0) return;
  throw conflict(
    `Cannot backup VM. Disks locked by another operation: ${locked.join(", ")}. ` +
      "Try again once it has ended.",
  );
}

const backups: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const vmPath = location.parent!.path;
    const vmId = location.parent!.id!;
    const vm = engine.store.get("vms", vmId)!;
    checkNotDuringBackup(engine, vm, "backup VM");
    // The engine looks the disks up in the command, refusing those that do not exist (400).
    const { disks, ...rest } = body;
    const settings = withReferences(engine, "Backup", rest);
    const covered = backedUpDisks(engine, vmPath, (disks as { id?: string }[] | undefined) ?? []);
    checkNotLocked(covered);
    const from = settings.fromCheckpointId;
    if (typeof from === "string" && !engine.store.get(`${vmPath}/checkpoints`, from)) {
      throw badParameters(`Cannot backup VM. Checkpoint ID ${from} doesn't exist.`);
    }
    const inCheckpoint = new Set(
      typeof from === "string"
        ? engine.store.items(`${vmPath}/checkpoints/${encodeURIComponent(from)}/disks`)
          .map((disk) => disk.id)
        : [],
    );
    // StartVmBackupCommand: a live (up) or cold (down) VM only, and none previewing a snapshot.
    if (vm.status !== "up" && vm.status !== "down") {
      throw conflict("Cannot backup VM. The Virtual Machine should be in Up or Down status.");
    }
    if (
      engine.store.items(`vms/${encodeURIComponent(vmId)}/snapshots`)
        .some((snapshot) => snapshot.snapshotStatus === "in_preview")
    ) {
      throw conflict("Cannot backup VM. VM is previewing a Snapshot.");
    }
    // Without a qcow2 disk (raw disks only, or none) the engine makes no checkpoint.
    const checkpointed = covered.some((disk) => (disk.format ?? "cow") === "cow");
    const backup = engine.store.put(location.path, {
      ...settings,
      id: engine.newId(),
      phase: "initializing",
      creationDate: new Date(),
      toCheckpointId: checkpointed ? engine.newId() : undefined,
      vm: engine.referenceTo("vms", vmId),
      host: vm.host as Reference | undefined,
    });
    for (const disk of covered) {
      engine.store.put(`${location.path}/${encodeURIComponent(backup.id)}/disks`, {
        id: disk.id,
        backupMode: inCheckpoint.has(disk.id) ? "incremental" : "full",
      });
      transition(engine, "disks", disk.id, { status: "locked" });
    }
    return transition(engine, location.path, backup.id, {}, [{ phase: "starting" }, {
      phase: "ready",
    }]);
  },
};

const backup: Behaviour = {
  actions: {
    finalize: (call, entity) => {
      if (entity!.phase !== "ready") {
        throw conflict("Cannot finalize Backup. The backup is not ready.");
      }
      const { engine, location } = call;
      // The engine's StopVmBackupCommand: none of the backup's image transfers may still run.
      const running = engine.store.items("imagetransfers").some((transfer) =>
        (transfer.backup as Reference | undefined)?.id === entity!.id &&
        transfer.phase !== "finished_success" && transfer.phase !== "finished_failure"
      );
      if (running) {
        throw conflict(
          "Cannot finalize Backup. An image transfer of this backup has not finished: " +
            "finalize or cancel it, and wait for it to end, first.",
        );
      }
      const collection = location.parent!.path;
      const checkpoints = `${location.parent!.parent!.path}/checkpoints`;
      transition(engine, collection, entity!.id, { phase: "finalizing" }, [{
        phase: "succeeded",
        modificationDate: new Date(),
      }], (done) => {
        unlockDisks(engine, `${location.path}/disks`);
        const id = done.toCheckpointId as string | undefined;
        if (id === undefined) return;
        // The engine's new checkpoint always follows the VM's newest one (its leaf).
        const leaf = engine.store.items(checkpoints).at(-1);
        engine.store.put(checkpoints, {
          id,
          parentId: leaf?.id,
          creationDate: new Date(),
          state: "created",
          vm: done.vm,
        });
        for (const disk of engine.store.items(`${location.path}/disks`)) {
          if ((engine.store.get("disks", disk.id)?.format ?? "cow") !== "cow") continue;
          engine.store.put(`${checkpoints}/${encodeURIComponent(id)}/disks`, { id: disk.id });
        }
      });
    },
  },
};

/** Unlocks the disks listed at `disksPath` (a backup's) once it ended: `ok`, unless `illegal`. */
function unlockDisks(engine: Engine, disksPath: string): void {
  for (const listed of engine.store.items(disksPath)) {
    const disk = engine.store.get("disks", listed.id);
    if (disk && disk.status !== "illegal") change(engine, "disks", disk.id, { status: "ok" });
  }
}

const checkpoint: Behaviour = {
  remove(call, entity) {
    const vm = call.engine.store.get("vms", call.location.parent!.parent!.id!)!;
    checkNotDuringBackup(call.engine, vm, "remove VM Checkpoint");
    const [root] = call.engine.store.items(call.location.parent!.path);
    if (root?.id !== entity.id) {
      throw conflict(
        "Cannot remove VM Checkpoint. Only the oldest (root) checkpoint can be removed.",
      );
    }
  },
};

/** Behaviours of the VM backup and checkpoint services, by service name. */
export const BACKUP_BEHAVIOURS: Record<string, Behaviour> = {
  VmBackupsService: backups,
  VmBackupService: backup,
  VmCheckpointService: checkpoint,
};

/**
 * What a VM that was backed up once shows, for the seeded inventory: a full backup that
 * `succeeded` a day ago covering its image disks, and the root checkpoint it left (with
 * its qcow2 disks), unless the VM at `vmPath` (`vms/{id}`) already has backups or
 * checkpoints.
 */
export function seedBackupHistory(engine: Engine, vmPath: string): void {
  const backupsPath = `${vmPath}/backups`;
  const checkpointsPath = `${vmPath}/checkpoints`;
  if (engine.store.count(backupsPath) || engine.store.count(checkpointsPath)) return;
  const vmId = decodeURIComponent(vmPath.split("/")[1]);
  const attached = engine.store.items(`${vmPath}/diskattachments`).map((a) => ({ id: a.id }));
  const covered = backedUpDisks(engine, vmPath, attached);
  const cow = covered.filter((disk) => (disk.format ?? "cow") === "cow");
  const when = new Date(Date.now() - 86_400_000);
  const vm = engine.referenceTo("vms", vmId);
  const checkpointId = cow.length ? engine.newId() : undefined;
  const backup = engine.store.put(backupsPath, {
    id: engine.newId(),
    phase: "succeeded",
    creationDate: when,
    modificationDate: when,
    toCheckpointId: checkpointId,
    vm,
  });
  for (const disk of covered) {
    engine.store.put(`${backupsPath}/${encodeURIComponent(backup.id)}/disks`, {
      id: disk.id,
      backupMode: "full",
    });
  }
  if (checkpointId === undefined) return;
  engine.store.put(checkpointsPath, { id: checkpointId, creationDate: when, state: "created", vm });
  for (const disk of cow) {
    engine.store.put(`${checkpointsPath}/${encodeURIComponent(checkpointId)}/disks`, {
      id: disk.id,
    });
  }
}

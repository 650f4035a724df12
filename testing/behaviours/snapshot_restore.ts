/**
 * What a snapshot keeps of its VM, what a VM refuses while one of its snapshots is locked, and
 * how a snapshot is restored: a new snapshot records the VM's configuration (hidden, as the
 * engine keeps it in the snapshot's OVF); `restore` needs the VM down, no backup of it under
 * way and no snapshot being made, locks the VM's images for a step, then gives the VM that
 * configuration back, its runtime state untouched, and logs the end of the restore.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { ActionHandler, Call } from "../behaviour.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import { READ_ONLY } from "../read_only.ts";
import { checkNotDuringBackup } from "./backup_locks.ts";
import { transition } from "./lifecycle.ts";

/** Hidden (non-model) property of a snapshot: the VM's configuration when it was taken. */
const CONFIGURATION = "$configuration";

/** Code of the event of a restore that has ended (USER_RESTORE_FROM_SNAPSHOT_FINISH_SUCCESS). */
const RESTORED_CODE = 100;

/** Whether `name` is part of a VM's configuration, not of its runtime state or hidden. */
function isConfiguration(name: string): boolean {
  return name !== "id" && !name.startsWith("$") && !READ_ONLY.Vm.includes(name);
}

/** The hidden property a new snapshot of `vm` holds: the VM's configuration now. */
export function takeConfiguration(vm: Entity): Record<string, unknown> {
  const configuration = Object.fromEntries(
    Object.entries(vm).filter(([name]) => isConfiguration(name)),
  );
  return { [CONFIGURATION]: configuration };
}

/** The snapshots of `vm`. */
export function snapshotsOf(call: Call, vm: Entity): Entity[] {
  return call.engine.store.items(`vms/${encodeURIComponent(vm.id)}/snapshots`);
}

/**
 * Refuses `what` (`run VM`, `create Snapshot`) while a snapshot of VM `vmId` is `locked`:
 * being taken, restored or merged away (`SnapshotsValidator.vmNotDuringSnapshot`). The VM
 * keeps its status meanwhile; only its snapshot and images are locked.
 */
export function checkNotDuringSnapshot(engine: Engine, vmId: string, what: string): void {
  const snapshots = engine.store.items(`vms/${encodeURIComponent(vmId)}/snapshots`);
  if (snapshots.some((snapshot) => snapshot.snapshotStatus === "locked")) {
    throw conflict(
      `Cannot ${what}. The VM is performing an operation on a Snapshot. Please wait for the operation to finish, and try again.`,
    );
  }
}

/**
 * Refuses `what` (`preview`, `revert to`) on the snapshots of `vm` while one of them is
 * being made, or while the VM is not down.
 */
export function checkSnapshotsIdle(call: Call, vm: Entity, what: string): void {
  checkNotDuringSnapshot(call.engine, vm.id, `${what} Snapshot`);
  if (vm.status !== "down") {
    throw conflict(`Cannot ${what} Snapshot. At least one of the VMs is not down.`);
  }
}

/** `restore` of a snapshot (`vms/{id}/snapshots/{id}/restore`). */
export const restoreSnapshot: ActionHandler = (call, snapshot) => {
  const { engine } = call;
  const vmId = call.location.parent!.parent!.id!;
  const vm = engine.store.get("vms", vmId)!;
  // The restore starts with a preview (`TryBackToAllSnapshotsOfVm`), hence its words.
  checkNotDuringBackup(engine, vm, "preview Snapshot");
  checkSnapshotsIdle(call, vm, "revert to");
  const configuration = snapshot![CONFIGURATION] as Record<string, unknown> | undefined;
  const restored = (current: Entity) => {
    if (!configuration) return { status: "down" };
    const configured = Object.keys(current).filter((name) => isConfiguration(name));
    return {
      ...Object.fromEntries(configured.map((name) => [name, undefined])),
      ...configuration,
      status: "down",
    };
  };
  transition(engine, "vms", vmId, { status: "image_locked" }, [restored], (updated) => {
    engine.event(
      RESTORED_CODE,
      `VM ${updated.name} restoring from Snapshot has been completed.`,
      { vm: engine.referenceTo("vms", vmId) },
      "normal",
      call.correlationId,
    );
  });
};

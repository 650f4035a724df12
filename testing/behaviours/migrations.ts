/**
 * Live migrations of VMs, shared by a user's `migrate` and a host's evacuation: a VM is
 * `migrating` (remembering where to) until it is `up` on the other host a step later; a
 * VM pinned to its host is never migrated, and one that only the user may migrate only
 * when the user forces it (the engine's `VmValidator.canMigrate`).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

/** Hidden (non-model) property of a migrating VM: the id of the host it is migrating to. */
export const MIGRATING_TO = "$migratingTo";

/** What a migration of a VM to host `target` changes now, and when it has arrived. */
export function migrationTo(target: Reference): {
  now: Record<string, unknown>;
  arrived: Record<string, unknown>;
} {
  return {
    now: { status: "migrating", [MIGRATING_TO]: target.id },
    arrived: { status: "up", host: target, [MIGRATING_TO]: undefined },
  };
}

/** How `vm` may be migrated (its placement policy's `affinity`; `migratable` by default). */
function affinityOf(vm: Entity): string {
  return (vm.placementPolicy as { affinity?: string } | undefined)?.affinity ?? "migratable";
}

/** Whether `vm` is pinned to its host (never migrated). */
export function isPinned(vm: Entity): boolean {
  return affinityOf(vm) === "pinned";
}

/** Refuses a user's migration of `vm` that the engine refuses (`force`: the user forces it). */
export function checkMigratable(vm: Entity, force: boolean): void {
  if (isPinned(vm)) throw conflict("Cannot migrate VM. VM is pinned to Host.");
  if (affinityOf(vm) === "user_migratable" && !force) {
    throw conflict(
      "Cannot migrate VM. VM is non migratable and user did not specify the force-migration flag",
    );
  }
}

/** The VMs running on host `hostId` or migrating to it. */
export function vmsOn(engine: Engine, hostId: string): Entity[] {
  return engine.store.items("vms").filter((vm) =>
    (vm.host as Reference | undefined)?.id === hostId || vm[MIGRATING_TO] === hostId
  );
}

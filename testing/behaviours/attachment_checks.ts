/**
 * What the engine checks when a disk is attached to a VM, plugged, unplugged or detached:
 * one boot disk per VM (`DiskValidator.isVmNotContainsBootDisk`), no IDE disk plugged or
 * unplugged while the VM runs (`VmCommand.isDiskSupportedForPlugUnPlug`), and no disk
 * detached while it is part of a VM snapshot (`DetachDiskFromVmCommand`). A disk attached
 * as it is in a snapshot (for a backup) is neither the VM's boot disk nor so checked.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import { hasFrozenLayers } from "./disk_snapshots.ts";

/** Hidden (non-model) property of an attachment of a disk as it is in a VM snapshot. */
export const FROM_SNAPSHOT = "$snapshot";

/** The alias of disk `id`, as the engine names a disk in its messages. */
function aliasOf(engine: Engine, id: string): string {
  const disk = engine.store.get("disks", id);
  return String(disk?.alias ?? disk?.name ?? id);
}

/**
 * Refuses `what` (`attach`, `add`, `edit`) of a boot disk on `vm` when another of its
 * disks is marked as boot already, naming that disk.
 */
export function checkSingleBoot(engine: Engine, vm: Entity, what: string, except?: string): void {
  const boot = engine.store.items(`vms/${encodeURIComponent(vm.id)}/diskattachments`).find(
    (attachment) =>
      attachment.bootable === true && attachment.id !== except && !attachment[FROM_SNAPSHOT],
  );
  if (boot) {
    throw conflict(
      `Cannot ${what} Virtual Disk. Disk ${
        aliasOf(engine, boot.id)
      } in VM ${vm.name} is already marked as boot.`,
    );
  }
}

/**
 * Refuses `what` (`attach`, `hot plug`, `hot unplug`, `detach`) of disk `diskId` on the
 * `ide` interface of `vm`, which runs: the engine plugs and unplugs no IDE disk then.
 */
export function checkPlugSupported(
  engine: Engine,
  vm: Entity,
  diskId: string,
  diskInterface: unknown,
  what: string,
): void {
  if (diskInterface !== "ide") return;
  throw badParameters(
    `Cannot ${what} ${
      aliasOf(engine, diskId)
    } to ${vm.name}. Hot plugging a disk to an IDE interface is not supported.`,
  );
}

/** Refuses to detach `attachment` while its disk is part of a VM snapshot. */
export function checkNotInSnapshot(engine: Engine, attachment: Entity): void {
  if (attachment[FROM_SNAPSHOT] || !hasFrozenLayers(engine, attachment.id)) return;
  throw conflict(
    "Cannot detach Virtual Disk. The disk is already configured in a snapshot. In order to detach it, remove the disk's snapshots.",
  );
}

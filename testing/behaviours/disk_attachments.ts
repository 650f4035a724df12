/**
 * Disk attachments of VMs: attaching an existing disk (immediate; not a `locked` one, nor
 * a disk that is not shareable and already attached to another VM) or creating one from a
 * full `<disk>` description (`locked`, then `ok`); updates that reach the disk (extending
 * it, never making it smaller); detaching (not a disk that is part of a VM snapshot), or
 * removing the disk too with `detach_only=false` (not while it is plugged into a VM that
 * is not down). A VM has one boot disk, and no IDE disk is plugged into or out of it while
 * it runs (`attachment_checks.ts`). A VM whose images are locked (`image_locked`) gets no
 * disk and loses none. A new disk's alias, and on every update the alias the disk is left
 * with, must be one the engine takes (`names.ts`): its update command validates the whole
 * disk.
 *
 * @module
 */

import { conflict, notFound } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { checkName } from "../names.ts";
import type { Entity } from "../store.ts";
import { settableChanges } from "../read_only.ts";
import {
  changedDisk,
  checkNotLocked,
  checkNotShrunk,
  checkRemovable,
  createDisk,
  deleteDisk,
} from "./disks.ts";
import { checkVmNotLocked } from "./vm_creation.ts";
import {
  checkNotInSnapshot,
  checkPlugSupported,
  checkSingleBoot,
  FROM_SNAPSHOT,
} from "./attachment_checks.ts";

/**
 * Refuses to attach `disk` when it is not shareable and a VM has it already
 * (`AttachDiskToVmCommand`; a disk snapshot attached for a backup is not so checked).
 */
function checkNotAttachedElsewhere(engine: Engine, disk: Entity): void {
  if (disk.shareable === true) return;
  const attached = engine.store.items("vms").some((vm) =>
    engine.store.get(`vms/${encodeURIComponent(vm.id)}/diskattachments`, disk.id)
  );
  if (attached) {
    throw conflict(
      "Cannot attach Virtual Disk. The disk is not shareable and is already attached to a VM.",
    );
  }
}

const attachments: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const owner = engine.store.get("vms", location.parent!.id!)!;
    const given = body.disk as Record<string, unknown> | undefined;
    const fromSnapshot = given?.snapshot !== undefined;
    let disk: Entity;
    if (typeof given?.id === "string") {
      const found = engine.store.get("disks", given.id);
      if (!found) throw notFound(`Disk: id=${given.id}`);
      disk = found;
      if (body.bootable === true) checkSingleBoot(engine, owner, "attach");
      if (engine.store.get(location.path, disk.id)) {
        throw conflict("Cannot attach Virtual Disk. The disk is already attached to the VM.");
      }
      if (!fromSnapshot) checkNotAttachedElsewhere(engine, disk);
      checkVmNotLocked(owner, "attach disk to");
      checkNotLocked(disk, "attach");
      // The engine plugs an attached disk into a running VM only when asked (`active`).
      if (body.active === true && owner.status !== "down") {
        checkPlugSupported(engine, owner, disk.id, body.interface, "attach");
      }
    } else {
      checkName("diskAlias", given?.alias ?? given?.name, "add");
      if (body.bootable === true) checkSingleBoot(engine, owner, "add");
      checkVmNotLocked(owner, "add disk to");
      disk = createDisk(engine, given ?? {});
    }
    const { disk: _disk, vm: _vm, ...settings } = body;
    return engine.store.put(location.path, {
      active: true,
      bootable: false,
      passDiscard: false,
      readOnly: false,
      usesScsiReservation: false,
      ...withReferences(engine, "DiskAttachment", settings),
      id: disk.id,
      disk: engine.referenceTo("disks", disk.id),
      vm: engine.referenceTo("vms", location.parent!.id!),
      ...(fromSnapshot ? { [FROM_SNAPSHOT]: true } : {}),
    });
  },
};

/**
 * Refuses what an update of `attachment` of `vm` asks that the engine does not do: marking
 * it as boot next to another boot disk, plugging or unplugging an IDE disk of a running VM.
 */
function checkAttachmentChanges(
  engine: Engine,
  vm: Entity,
  attachment: Entity,
  changes: Record<string, unknown>,
): void {
  const plugged = attachment.active !== false;
  if (changes.bootable === true && attachment.bootable !== true && plugged) {
    checkSingleBoot(engine, vm, "edit", attachment.id);
  }
  const running = vm.status === "up" || vm.status === "paused";
  if (typeof changes.active === "boolean" && changes.active !== plugged && running) {
    const what = changes.active ? "hot plug" : "hot unplug";
    checkPlugSupported(engine, vm, attachment.id, attachment.interface, what);
  }
}

const attachment: Behaviour = {
  update(call, entity, changes) {
    const { engine, location } = call;
    const { disk: diskChanges, vm: _vm, id: _id, href: _href, ...settings } = changes;
    const owner = engine.store.get("vms", location.parent!.parent!.id!)!;
    const disk = engine.store.get("disks", entity.id);
    const given = diskChanges && typeof diskChanges === "object"
      ? diskChanges as Record<string, unknown>
      : undefined;
    const { id: _diskId, href: _diskHref, ...diskSettings } = given ?? {};
    const changedTo = disk && changedDisk(engine, disk, settableChanges("Disk", diskSettings));
    checkName("diskAlias", changedTo?.alias, "edit");
    checkAttachmentChanges(engine, owner, entity, settings);
    if (given && disk) {
      checkNotLocked(disk, "update");
      checkNotShrunk(disk, diskSettings);
      engine.store.put("disks", changedTo!);
    }
    return engine.store.put(location.parent!.path, {
      ...entity,
      ...withReferences(engine, "DiskAttachment", settings),
    });
  },
  remove(call, entity) {
    const owner = call.engine.store.get("vms", call.location.parent!.parent!.id!)!;
    const detachOnly = call.query.get("detach_only")?.toLowerCase() !== "false";
    checkVmNotLocked(owner, detachOnly ? "detach disk from" : "remove disk from");
    if (detachOnly) {
      if (entity.active !== false && owner.status !== "down") {
        checkPlugSupported(call.engine, owner, entity.id, entity.interface, "detach");
      }
      checkNotInSnapshot(call.engine, entity);
      return;
    }
    const disk = call.engine.store.get("disks", entity.id);
    if (disk) {
      checkNotLocked(disk, "remove");
      checkRemovable(call.engine, disk);
    }
    deleteDisk(call.engine, entity.id);
    return true;
  },
};

/** Behaviours of the VM disk attachment services, by service name. */
export const DISK_ATTACHMENT_BEHAVIOURS: Record<string, Behaviour> = {
  DiskAttachmentsService: attachments,
  DiskAttachmentService: attachment,
};

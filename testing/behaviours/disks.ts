/**
 * Disks: created `locked`, `ok` a step later, in a configuration the engine accepts
 * (`disk_configuration.ts`), a LUN only once and without a status; storage operations
 * (copy, move, sparsify, reduce, ...) lock them again for a step; a locked disk refuses
 * changes. Sparsify needs a raw sparse image disk and frees the blocks that hold only
 * zeros; reduce needs a disk on a block domain that is not shareable; both need the disk's
 * VMs down, and neither changes the `actual_size` the engine recorded (it does not measure
 * the volume again). A copy locks its source too while it runs; a disk plugged into a VM
 * that is not down is not removed, nor is a template's disk (no storage domain can be
 * named). A disk only grows (a smaller `provisioned_size` is refused, through the disk or
 * its attachment); it is not moved to the domain it is on, nor made, moved or copied on a
 * domain that is not active, nor on an ISO or export domain. Also the per-domain disk
 * views (`storagedomains/{id}/disks`). An update refuses an alias the engine refuses (the
 * one it leaves, renamed or not, `names.ts`); adding a disk that no VM gets does not check it
 * (the engine validates a new disk's alias only for a VM's disk). A copy or move names its
 * disk profile and quota by id (`disk_profile_quota.ts`).
 *
 * @module
 */

import { badParameters, conflict, notFound } from "../answers.ts";
import { type ActionHandler, type Behaviour, booleanParameter, type Call } from "../behaviour.ts";
import { itemsOf } from "../collections.ts";
import type { Engine, Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { checkName } from "../names.ts";
import type { Entity } from "../store.ts";
import {
  checkImageConfiguration,
  checkLunNotInUse,
  checkReducible,
  checkSparsifiable,
  isBlockDomain,
} from "./disk_configuration.ts";
import { profileAndQuota, profileAndQuotaIds } from "./disk_profile_quota.ts";
import { checkDiskSize } from "./disk_size_check.ts";
import { dropLayers } from "./disk_snapshots.ts";
import { checkDiskDestination } from "./domain_status.ts";
import { transition } from "./lifecycle.ts";

const GIB = 1024 ** 3;

/**
 * Creates a disk in `disks` from what a request describes, with the id it asks for if
 * any; `locked` until one step later. A direct LUN disk (`lun_storage`) has no image, no
 * storage domain and no status (the engine shows a status for image disks only), and is
 * ready at once; a LUN another disk uses is refused, as is a domain that is not an active
 * data domain, or an image configuration the domain cannot hold.
 */
export function createDisk(engine: Engine, body: Record<string, unknown>): Entity {
  const described = withReferences(engine, "Disk", body);
  const id = typeof body.id === "string" ? body.id : engine.newId();
  if (engine.store.get("disks", id)) {
    throw conflict("Cannot add Virtual Disk. A disk with the same ID already exists.");
  }
  if (described.lunStorage) {
    checkLunNotInUse(engine, described.lunStorage);
    const name = aliasOf(described) ?? `lun-${engine.store.count("disks") + 1}`;
    return engine.store.put("disks", {
      shareable: false,
      propagateErrors: false,
      ...described,
      id,
      name,
      alias: name,
      storageType: "lun",
      storageDomains: [],
      status: undefined,
    });
  }
  const domains = described.storageDomains as unknown[] | undefined;
  const domain = domains?.[0] ?? firstDataDomain(engine);
  const domainId = (domain as Reference | undefined)?.id;
  if (domainId !== undefined) checkDiskDestination(engine, domainId, "add Virtual Disk");
  checkImageConfiguration(engine, described, domainId);
  checkDiskSize(described);
  const name = aliasOf(described) ?? `disk-${engine.store.count("disks") + 1}`;
  const provisionedSize = (described.provisionedSize as number | undefined) ?? GIB;
  const disk: Entity = {
    format: "cow",
    sparse: true,
    shareable: false,
    wipeAfterDelete: false,
    propagateErrors: false,
    contentType: "data",
    storageType: "image",
    actualSize: 0,
    totalSize: 0,
    ...described,
    id,
    imageId: engine.newId(),
    name,
    alias: name,
    provisionedSize,
    storageDomains: domain ? [domain] : [],
    status: "locked",
  };
  engine.store.put("disks", disk);
  return transition(engine, "disks", disk.id, {}, [{ status: "ok" }]);
}

/**
 * The alias a disk description gives, if any: `alias`, else `name`. A disk's name and
 * alias are one value in the engine (`name` is the deprecated spelling), the alias
 * winning when a request gives both.
 */
function aliasOf(described: Record<string, unknown>): unknown {
  return described.alias ?? described.name;
}

/** `disk` with `changes` applied, its name and alias kept one value as in the engine. */
export function changedDisk(
  engine: Engine,
  disk: Entity,
  changes: Record<string, unknown>,
): Entity {
  const changed: Entity = { ...disk, ...withReferences(engine, "Disk", changes), id: disk.id };
  const alias = aliasOf(changes);
  if (alias !== undefined) {
    changed.name = alias;
    changed.alias = alias;
  }
  return changed;
}

/** A reference to the first data storage domain, if there is one. */
function firstDataDomain(engine: Engine): Record<string, unknown> | undefined {
  const domain = engine.store.find("storagedomains", (entity) => entity.type === "data");
  return domain ? engine.referenceTo("storagedomains", domain.id) : undefined;
}

/**
 * Refuses to make image disk `disk` smaller than it is (`UpdateDiskCommand`'s resize
 * check); `changes` are the disk's members a request sends.
 */
export function checkNotShrunk(disk: Entity, changes: Record<string, unknown>): void {
  const size = changes.provisionedSize;
  if (size === undefined || disk.storageType === "lun") return;
  if (Number(size) < Number(disk.provisionedSize)) {
    throw badParameters(
      "Cannot edit Virtual Disk. New disk size must be larger than the current disk size.",
    );
  }
}

/** Refuses `what` on a locked disk. */
export function checkNotLocked(disk: Entity, what: string): void {
  if (disk.status === "locked") {
    throw conflict(`Cannot ${what} Virtual Disk: Disk is locked. Please try again later.`);
  }
}

/**
 * Refuses to remove `disk` while it is plugged into a VM that is not down (the engine's
 * `RemoveDiskCommand`); unplugged, or with the VM down, it may go.
 */
export function checkRemovable(engine: Engine, disk: Entity): void {
  for (const vm of engine.store.items("vms")) {
    if (vm.status === "down") continue;
    const attachment = engine.store.get(
      `vms/${encodeURIComponent(vm.id)}/diskattachments`,
      disk.id,
    );
    if (attachment && attachment.active !== false) {
      throw conflict("Cannot remove Virtual Disk. At least one of the VMs is not down.");
    }
  }
}

/**
 * Refuses to remove a disk of a template where no storage domain can be named (the
 * engine's `RemoveDiskCommand`: `DELETE /disks/{id}` sends none, and a template disk's
 * copy is removed from one domain only).
 */
function checkNotTemplateDisk(engine: Engine, disk: Entity): void {
  const owned = engine.store.items("templates").some((template) =>
    engine.store.get(`templates/${encodeURIComponent(template.id)}/diskattachments`, disk.id)
  );
  if (owned) {
    throw badParameters(
      "Cannot remove Virtual Disk. A storage domain must be specified when deleting one of a template's disk's copies.",
    );
  }
}

/** Removes disk `id` with its snapshots and its attachments to VMs and templates. */
export function deleteDisk(engine: Engine, id: string): void {
  engine.store.delete("disks", id);
  engine.images.delete(id);
  dropLayers(engine, id);
  for (const owner of ["vms", "templates"]) {
    for (const entity of engine.store.items(owner)) {
      engine.store.delete(`${owner}/${encodeURIComponent(entity.id)}/diskattachments`, id);
    }
  }
}

/** What a locking action changes on the disk besides its status. */
type LockChanges = (
  call: Call,
  disk: Entity,
  params: Record<string, unknown>,
) => Record<string, unknown>;

/** An action that keeps the disk locked for one step (copy, move, sparsify, ...). */
function lockingAction(what: string, changes: LockChanges = () => ({})): ActionHandler {
  return (call, disk, params) => {
    checkNotLocked(disk!, what);
    const now = { status: "locked", ...changes(call, disk!, params) };
    transition(call.engine, "disks", disk!.id, now, [{ status: "ok" }]);
  };
}

/** Refuses `what` on a disk attached to a VM that is not down. */
function checkVmsDown(engine: Engine, disk: Entity, what: string): void {
  for (const vm of engine.store.items("vms")) {
    const path = `vms/${encodeURIComponent(vm.id)}/diskattachments`;
    if (vm.status !== "down" && engine.store.get(path, disk.id)) {
      throw conflict(`Cannot ${what} Virtual Disk. The disk is attached to running VM ${vm.name}.`);
    }
  }
}

/**
 * Sparsify (`dropZeros`: the image loses its blocks of zeros) or reduce; the disk is locked
 * for a step and keeps the `actual_size` the engine recorded.
 */
function shrink(dropZeros: boolean): ActionHandler {
  const what = dropZeros ? "sparsify" : "reduce";
  return (call, disk) => {
    checkNotLocked(disk!, what);
    if (!dropZeros) checkReducible(call.engine, disk!);
    checkVmsDown(call.engine, disk!, what);
    if (dropZeros) {
      checkSparsifiable(disk!);
      call.engine.images.of(disk!.id).dropZeroChunks();
    }
    transition(call.engine, "disks", disk!.id, { status: "locked" }, [{ status: "ok" }]);
  };
}

/**
 * The storage domain a move or copy (`what`) of `disk` names, refused as the engine's
 * `MoveOrCopyDiskCommand` does: a move to the domain the disk is on, and either to a
 * domain that is not active, or to an ISO or export domain.
 */
function destination(
  call: Call,
  disk: Entity,
  params: Record<string, unknown>,
  what: "move" | "copy",
): Record<string, unknown> {
  const domain = call.engine.resolve(
    "StorageDomain",
    params.storageDomain as Record<string, unknown>,
  );
  const source = (disk.storageDomains as Reference[] | undefined)?.[0]?.id;
  if (what === "move" && domain.id === source) {
    throw badParameters(
      "Cannot move Virtual Disk. The source and target storage domains are the same.",
    );
  }
  checkDiskDestination(call.engine, domain.id as string, `${what} Virtual Disk`);
  return domain;
}

const diskActions: Record<string, ActionHandler> = {
  copy: (call, disk, params) => {
    const ids = profileAndQuotaIds(params);
    checkNotLocked(disk!, "copy");
    const { id: _id, href: _href, status: _status, ...rest } = disk!;
    const domain = destination(call, disk!, params, "copy");
    const described = (params.disk ?? {}) as Record<string, unknown>;
    // The engine's copy takes the new alias from `name` first, unlike add and update.
    const name = described.name ?? described.alias ?? `${disk!.name}_copy`;
    // A raw sparse disk copied to a block domain becomes qcow2 there (CopyImageGroupCommand).
    const toCow = rest.format === "raw" && rest.sparse !== false &&
      isBlockDomain(call.engine, domain.id as string);
    createDisk(call.engine, {
      ...rest,
      ...(toCow ? { format: "cow" } : {}),
      name,
      alias: name,
      storageDomains: [domain],
      ...profileAndQuota(call.engine, ids, domain.id as string, "copy"),
    });
    // The engine locks the source's image while it is copied (CopyImageGroupCommand).
    transition(call.engine, "disks", disk!.id, { status: "locked" }, [{ status: disk!.status }]);
  },
  move: (call, disk, params) => {
    const ids = profileAndQuotaIds(params);
    const move = lockingAction("move", () => {
      const domain = destination(call, disk!, params, "move");
      return {
        storageDomains: [domain],
        ...profileAndQuota(call.engine, ids, domain.id as string, "move"),
      };
    });
    move(call, disk, params);
  },
  sparsify: shrink(true),
  reduce: shrink(false),
  convert: lockingAction("convert"),
  export: lockingAction("export"),
};

const disk: Behaviour = {
  update(call, entity, changes) {
    const changed = changedDisk(call.engine, entity, changes);
    checkName("diskAlias", changed.alias, "edit");
    checkNotLocked(entity, "update");
    checkNotShrunk(entity, changes);
    return call.engine.store.put("disks", changed);
  },
  remove(call, entity) {
    checkNotTemplateDisk(call.engine, entity);
    checkNotLocked(entity, "remove");
    checkRemovable(call.engine, entity);
    deleteDisk(call.engine, entity.id);
    return true;
  },
  actions: diskActions,
};

/**
 * Adds a disk on the storage domain a `.../storagedomains/{id}/disks` collection belongs to.
 * With `unregistered=true` the list shows the disks on the domain the engine has not
 * registered (`GetUnregisteredDisks`): every disk here is registered, so none.
 */
const domainDisks: Behaviour = {
  list(call) {
    if (booleanParameter(call, "unregistered", true)) return [];
    return itemsOf(call.engine, call.location);
  },
  add(call, body) {
    const domain = call.engine.referenceTo("storagedomains", call.location.parent!.id!);
    return createDisk(call.engine, { ...body, storageDomains: [domain] });
  },
};

/** The actions of a storage domain's disk: a disk's, but `convert`. */
const { convert: _convert, ...domainDiskActions } = diskActions;

/**
 * A disk of a storage domain. With `unregistered=true`, `get` looks for a disk the engine has
 * not registered: every disk here is registered, so it answers 404, as the engine does for one
 * it knows (`AbstractBackendStorageDomainDiskResource.get`).
 */
const domainDisk: Behaviour = {
  ...disk,
  actions: domainDiskActions,
  get(call, entity) {
    if (booleanParameter(call, "unregistered", true)) {
      throw notFound(`Disk: id=${entity.id}, unregistered`);
    }
    return entity;
  },
};

/** Behaviours of the disk services, by service name. */
export const DISK_BEHAVIOURS: Record<string, Behaviour> = {
  DisksService: { add: (call, body) => createDisk(call.engine, body) },
  DiskService: disk,
  StorageDomainDisksService: domainDisks,
  StorageDomainDiskService: domainDisk,
  AttachedStorageDomainDisksService: domainDisks,
  AttachedStorageDomainDiskService: domainDisk,
};

/**
 * Disk snapshots, the layers of a disk's image chain. A VM snapshot freezes the current
 * layer of each of the VM's disks (its `image_id`, with a copy of the bytes as they are
 * then) and gives the disk a new layer; removing the VM snapshot merges its layers away.
 * `disks/{id}/disksnapshots` lists a disk's frozen layers, `storagedomains/{id}/disksnapshots`
 * those of the disks on that domain, oldest first; with `include_active=true` each disk's
 * current layer follows its frozen ones. Image transfers can read a frozen layer.
 *
 * @module
 */

import { type Behaviour, flag } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import type { Location } from "../tree.ts";

/** The store collection of frozen layers (not an API path). */
const LAYERS = "$disksnapshots";

/** Hidden (non-model) property marking a disk's current layer in a listing. */
const ACTIVE = "$active";

/** The frozen layer `id`, if there is one. */
export function frozenLayer(engine: Engine, id: string): Entity | undefined {
  return engine.store.get(LAYERS, id);
}

function layersOf(engine: Engine, diskId: string): Entity[] {
  return engine.store.items(LAYERS).filter((layer) => (layer.disk as Reference).id === diskId);
}

/** Whether disk `diskId` has frozen layers: it is part of a VM snapshot. */
export function hasFrozenLayers(engine: Engine, diskId: string): boolean {
  return layersOf(engine, diskId).length > 0;
}

/** What a layer shows of its disk. */
function layerOf(engine: Engine, disk: Entity, id: string): Entity {
  const parent = layersOf(engine, disk.id).at(-1);
  return {
    id,
    name: disk.name,
    alias: disk.alias,
    description: disk.description,
    format: disk.format,
    sparse: disk.sparse,
    contentType: disk.contentType,
    provisionedSize: disk.provisionedSize,
    actualSize: disk.actualSize,
    storageDomains: disk.storageDomains,
    status: disk.status,
    disk: engine.referenceTo("disks", disk.id),
    parent: parent ? { id: parent.id } : undefined,
  };
}

/** Freezes the current layer of every image disk of VM `vmPath` for VM snapshot `snapshotId`. */
export function freezeLayers(engine: Engine, vmPath: string, snapshotId: string): void {
  for (const attachment of engine.store.items(`${vmPath}/diskattachments`)) {
    const disk = engine.store.get("disks", attachment.id);
    if (!disk || disk.storageType === "lun") continue;
    const id = disk.imageId as string;
    engine.store.put(LAYERS, {
      ...layerOf(engine, disk, id),
      status: "ok",
      snapshot: { id: snapshotId },
    });
    engine.images.copy(disk.id, id);
    engine.store.put("disks", { ...disk, imageId: engine.newId() });
  }
}

/** Merges away the layers frozen for VM snapshot `snapshotId`. */
export function mergeLayers(engine: Engine, snapshotId: string): void {
  for (const layer of engine.store.items(LAYERS)) {
    if ((layer.snapshot as Reference | undefined)?.id === snapshotId) dropLayer(engine, layer);
  }
}

/** Removes the frozen layers of disk `diskId`. */
export function dropLayers(engine: Engine, diskId: string): void {
  for (const layer of layersOf(engine, diskId)) dropLayer(engine, layer);
}

function dropLayer(engine: Engine, layer: Entity): void {
  for (const child of engine.store.items(LAYERS)) {
    if ((child.parent as Reference | undefined)?.id === layer.id) {
      engine.store.put(LAYERS, { ...child, parent: layer.parent });
    }
  }
  engine.store.delete(LAYERS, layer.id);
  engine.images.delete(layer.id);
}

/** The disk snapshots below a disk or a storage domain (see the module comment). */
export function diskSnapshotsAt(engine: Engine, location: Location): Entity[] {
  const owner = location.parent!;
  const disks = owner.parent!.path === "disks"
    ? engine.store.items("disks").filter((disk) => disk.id === owner.id)
    : engine.store.items("disks").filter((disk) =>
      (disk.storageDomains as Reference[] | undefined)?.some((domain) => domain.id === owner.id)
    );
  return disks.filter((disk) => disk.storageType !== "lun").flatMap((disk) => [
    ...layersOf(engine, disk.id),
    { ...layerOf(engine, disk, disk.imageId as string), [ACTIVE]: true },
  ]);
}

/** Behaviours of the disk snapshot services, by service name. */
export const DISK_SNAPSHOT_BEHAVIOURS: Record<string, Behaviour> = {
  DiskSnapshotsService: {
    list: (call) =>
      diskSnapshotsAt(call.engine, call.location).filter((layer) =>
        layer[ACTIVE] !== true || flag(call, "include_active")
      ),
  },
};

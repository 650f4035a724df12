/**
 * One sample of everything: after the inventory is seeded, every collection of the
 * service tree that is still empty gets one plain object (`id` and `name`), below the
 * first object of each collection, so that every service of the model has something to
 * answer with. Collections whose content a behaviour computes are left alone. Where a bare
 * object would mislead a script (a checkpoint without date or parent, a backup or image
 * transfer without phase), the collection gets what the engine would show instead: the
 * first VM's finished backup and its checkpoint, a finished upload into the first disk.
 *
 * @module
 */

import { STRUCTS } from "../types/metadata.ts";
import { seedBackupHistory } from "./behaviours/backups.ts";
import { seedFinishedUpload } from "./behaviours/image_transfers.ts";
import { BEHAVIOURS } from "./behaviours/mod.ts";
import { collectionKind, itemsOf } from "./collections.ts";
import type { Engine } from "./engine.ts";
import { collectionType, homeOf, methodOf } from "./model.ts";
import { type Location, ROOT_LOCATION, step } from "./tree.ts";

/** Adds a sample object to every empty collection reachable through first objects. */
export function seedSamples(engine: Engine): void {
  const visited = new Set<string>();
  const queue: Location[] = [ROOT_LOCATION];
  while (queue.length) {
    const location = queue.shift()!;
    for (const locator of location.service.locators) {
      if (!locator.segment) continue;
      const collection = step(location, locator.segment)!;
      if (visited.has(collection.service.name)) continue;
      visited.add(collection.service.name);
      const first = sampleOf(engine, collection);
      const below = first === undefined ? undefined : step(collection, first);
      if (below) queue.push(below);
    }
  }
}

/** Engine-like contents for the collections (by service) where a bare sample misleads. */
const HISTORIES: Record<string, (engine: Engine, collection: Location) => void> = {
  VmBackupsService: (engine, collection) => seedBackupHistory(engine, collection.parent!.path),
  VmCheckpointsService: (engine, collection) => seedBackupHistory(engine, collection.parent!.path),
  ImageTransfersService: (engine) => {
    const [disk] = engine.store.items("disks");
    if (disk && !engine.store.count("imagetransfers")) seedFinishedUpload(engine, disk.id);
  },
};

/** The id of the first object of `collection`, after adding a sample if it was empty. */
function sampleOf(engine: Engine, collection: Location): string | undefined {
  const type = collectionType(collection.service);
  if (!type || !methodOf(collection.service, "list")) return undefined;
  const history = HISTORIES[collection.service.name];
  if (history) {
    history(engine, collection);
    return itemsOf(engine, collection)[0]?.id;
  }
  const existing = itemsOf(engine, collection)[0];
  if (existing) return existing.id;
  const kind = collectionKind(collection);
  if (kind === "view" || BEHAVIOURS[collection.service.name]?.list) return undefined;
  const name = `${STRUCTS[type].tag}-sample`;
  if (kind === "reference") {
    const home = homeOf(type)!;
    const target = engine.store.items(home)[0] ??
      engine.store.put(home, { id: engine.newId(), name });
    engine.store.put(collection.path, { id: target.id });
    return target.id;
  }
  return engine.store.put(collection.path, { id: engine.newId(), name }).id;
}

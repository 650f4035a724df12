/**
 * The engine's in-memory locks of OVA exports: an export of a VM holds the VM exclusively
 * (no run, remove, update... of it, no second export), one of a template holds it shared
 * (other exports go on, its removal waits). The lock is a hidden member of the object,
 * counting the exports that hold it; it changes no status.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";
import { change } from "./lifecycle.ts";

/** Hidden (non-model) member: how many OVA exports of the object run. */
const OVA_EXPORTS = "$ovaExports";

/** Takes (`+1`) or releases (`-1`) an OVA export's lock on object `id` of `collection`. */
export function holdForOva(engine: Engine, collection: string, id: string, by: 1 | -1): void {
  const current = engine.store.get(collection, id);
  if (!current) return;
  change(engine, collection, id, { [OVA_EXPORTS]: ((current[OVA_EXPORTS] as number) ?? 0) + by });
}

/**
 * Refuses `what` (`run VM`, `remove Template`) of `entity` while an OVA export of it runs,
 * with the engine's lock message (`ACTION_TYPE_FAILED_VM_IS_BEING_EXPORTED` and the
 * template's).
 */
export function checkNotExporting(entity: Entity, what: string, label: "VM" | "Template"): void {
  if (((entity[OVA_EXPORTS] as number | undefined) ?? 0) > 0) {
    throw conflict(`Cannot ${what}. ${label} ${entity.name} is being exported.`);
  }
}

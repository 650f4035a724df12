/**
 * Status lifecycles on the engine's clock: an object moves through a list of states one
 * lifecycle step apart, and a newer transition of the same object cancels what is left
 * of an older one (a VM stopped while still powering up stays down).
 *
 * @module
 */

import type { Engine } from "../engine.ts";
import type { Entity } from "../store.ts";

/** Changes to apply at one step: values, or a function of the object as it is then. */
export type Step = Record<string, unknown> | ((entity: Entity) => Record<string, unknown>);

/** Hidden (non-model) property holding the number of the object's latest transition. */
const GENERATION = "$generation";

/**
 * Applies `now` to object `id` of `collection` at once, then `later` one step apart.
 * `after` runs after each later step with the updated object (for events and side effects).
 */
export function transition(
  engine: Engine,
  collection: string,
  id: string,
  now: Record<string, unknown>,
  later: readonly Step[] = [],
  after?: (entity: Entity) => void,
): Entity {
  const current = engine.store.get(collection, id);
  if (!current) throw new Error(`transition: no ${collection}/${id}`);
  const generation = ((current[GENERATION] as number | undefined) ?? 0) + 1;
  const updated = engine.store.put(collection, { ...current, ...now, [GENERATION]: generation });
  engine.clock.sequence(later.map((step) => () => {
    const entity = engine.store.get(collection, id);
    if (!entity || entity[GENERATION] !== generation) return false;
    const changes = typeof step === "function" ? step(entity) : step;
    const next = engine.store.put(collection, { ...entity, ...changes });
    after?.(next);
    return true;
  }));
  return updated;
}

/** Merges `changes` into object `id` of `collection` now (no transition); returns it. */
export function change(
  engine: Engine,
  collection: string,
  id: string,
  changes: Record<string, unknown>,
): Entity | undefined {
  const current = engine.store.get(collection, id);
  return current ? engine.store.put(collection, { ...current, ...changes }) : undefined;
}

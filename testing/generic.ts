/**
 * The generic handling every service gets unless a behaviour replaces it: create, merge
 * and delete objects in the collection kinds of `collections.ts`, with the references a
 * request names (by id or name) resolved to their home objects. An update merges as the
 * engine's mappers do: member by member, into nested structs too.
 *
 * @module
 */

import type { Call } from "./behaviour.ts";
import { collectionKind, itemsOf } from "./collections.ts";
import { notFound } from "./answers.ts";
import type { Engine } from "./engine.ts";
import { collectionType, homeOf, membersOf } from "./model.ts";
import type { Entity } from "./store.ts";
import type { Location } from "./tree.ts";
import { withOwnerReference } from "./owner_references.ts";
import { settableChanges } from "./read_only.ts";
import { checkUniqueName } from "./unique_names.ts";

/**
 * `value` with every link (single or list item) that names an object with a home
 * collection, by id or name, replaced by a reference to it (404 if there is none);
 * `id` and `href` of `value` itself are dropped.
 */
export function withReferences(
  engine: Engine,
  type: string,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const { id: _id, href: _href, ...rest } = value;
  for (const member of membersOf(type)) {
    const linked = rest[member.name];
    if (!member.link || typeof linked !== "object" || linked === null) continue;
    rest[member.name] = Array.isArray(linked)
      ? linked.map((item) => referenceOrValue(engine, member.type!, item))
      : referenceOrValue(engine, member.type!, linked);
  }
  return rest;
}

/** A reference to the object `value` names by id or name, or `value` if it names none. */
function referenceOrValue(engine: Engine, type: string, value: unknown): unknown {
  const named = value as Record<string, unknown>;
  if (typeof named !== "object" || named === null) return value;
  return named.id !== undefined || named.name !== undefined ? engine.resolve(type, named) : value;
}

/** Stores a new object from `body` in the collection at `call.location`; returns it as shown. */
export function addObject(call: Call, body: Record<string, unknown>): Entity {
  const { engine, location } = call;
  const type = collectionType(location.service)!;
  const kind = collectionKind(location);
  if (kind === "reference") return addReference(engine, location, type, body);
  const collection = kind === "view" ? homeOf(type)! : location.path;
  const described = withOwnerReference(engine, location, type, withReferences(engine, type, body));
  checkUniqueName(engine, location.service.name, type, described, engine.store.items(collection));
  return engine.store.put(collection, { ...described, id: engine.newId() });
}

/**
 * Adds a reference record to a reference collection: to the home object the body names
 * (the record keeps the other values of the body), or to a new home object made from the
 * body.
 */
function addReference(
  engine: Engine,
  location: Location,
  type: string,
  body: Record<string, unknown>,
): Entity {
  const home = homeOf(type)!;
  let target: Entity | undefined;
  if (typeof body.id === "string") {
    target = engine.store.get(home, body.id);
    if (!target) throw notFound(`${type}: id=${body.id}`);
  } else if (typeof body.name === "string") {
    target = engine.store.find(home, (entity) => entity.name === body.name);
  }
  if (!target) {
    target = engine.store.put(home, { ...withReferences(engine, type, body), id: engine.newId() });
    engine.store.put(location.path, { id: target.id });
    return { ...target };
  }
  // What else the body says belongs to the relation (a cluster network's `required`).
  const { name: _name, ...own } = withReferences(engine, type, body);
  const record = engine.store.put(location.path, { ...own, id: target.id });
  return { ...target, ...record };
}

/**
 * Lists the engine sets whenever the struct holding them is sent, to none when they are
 * left out of it (a VM's placement policy sent without hosts pins the VM to no host).
 */
const CLEARED_UNLESS_SENT: Readonly<Record<string, readonly string[]>> = {
  VmPlacementPolicy: ["hosts"],
};

/**
 * Structs the engine's mappers read whole rather than member by member: one sent replaces
 * the stored one, and one sent holding nothing removes the setting (`<lease/>` leaves a VM
 * without a lease, `<cpu_tune/>` without CPU pinning, a network's `<vlan/>` untagged).
 */
const SET_WHOLE: ReadonlySet<string> = new Set(["StorageDomainLease", "CpuTune", "Vlan"]);

/** Whether `value` is a struct value (an object, not a list). */
function isStruct(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` holds no value at all: only empty lists and structs, if anything. */
function holdsNothing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isStruct(value) && Object.values(value).every(holdsNothing);
}

/**
 * `stored` (an object of struct `type`) with `changes` set the engine's way: only the
 * members sent change; a struct sent is merged into the stored one member by member (so
 * `cpu: { topology: { cores: 4 } }` keeps the sockets), less its read-only members (an
 * SPM's `status`); a list, a reference or a struct of `SET_WHOLE` sent replaces the stored
 * one whole (such a struct sent empty removes it).
 */
export function mergeChanges(
  type: string,
  stored: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...stored };
  for (const name of CLEARED_UNLESS_SENT[type] ?? []) {
    if (changes[name] === undefined) delete merged[name];
  }
  for (const [name, value] of Object.entries(settableChanges(type, changes))) {
    const member = membersOf(type).find((candidate) => candidate.name === name);
    const whole = member?.kind === "struct" && SET_WHOLE.has(member.type!);
    if (whole && holdsNothing(value)) {
      // Kept as a member without value, so that a next-run change removes it when applied.
      merged[name] = undefined;
      continue;
    }
    const old = merged[name];
    const nested = member?.kind === "struct" && !member.link && !member.list && !whole &&
      isStruct(value) && isStruct(old);
    merged[name] = nested ? mergeChanges(member.type!, old, value) : value;
  }
  return merged;
}

/** Merges `changes` into the object `entity` of the collection at `collection`. */
export function updateObject(
  engine: Engine,
  collection: Location,
  entity: Entity,
  changes: Record<string, unknown>,
): Entity {
  const type = collectionType(collection.service)!;
  const kind = collectionKind(collection);
  const sent = withReferences(engine, type, changes);
  const updated = { ...mergeChanges(type, entity, sent), id: entity.id };
  if (changes.name !== undefined) {
    checkUniqueName(
      engine,
      collection.service.name,
      type,
      updated,
      itemsOf(engine, collection),
      "edit",
    );
  }
  if (kind === "reference" || kind === "view") {
    const home = homeOf(type)!;
    const stored = engine.store.get(home, entity.id);
    if (stored) engine.store.put(home, { ...mergeChanges(type, stored, sent), id: stored.id });
    return updated;
  }
  return engine.store.put(collection.path, updated);
}

/**
 * Removes object `id` from the collection at `collection`: from a reference collection
 * just the record, from a view the home object.
 */
export function removeObject(engine: Engine, collection: Location, id: string): void {
  const kind = collectionKind(collection);
  const type = collectionType(collection.service)!;
  engine.store.delete(kind === "view" ? homeOf(type)! : collection.path, id);
}

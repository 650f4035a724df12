/**
 * What an API request changes, in the engine's words: the object it changes (the key of
 * per-object faults), the verb and type label of the engine's messages ("Cannot run VM"),
 * and for an `add`, the struct type of its body.
 *
 * @module
 */

import { actionOf, collectionType, methodOf } from "./model.ts";
import { resolve, typeAt } from "./tree.ts";
import { typeLabel } from "./validation.ts";

/** A request that changes something: an `add`, an `update`, a `remove` or an action. */
export interface Change {
  /** Which kind of change. */
  readonly kind: "add" | "update" | "remove" | "action";
  /** API-relative path of the object changed (the collection, for an `add`). */
  readonly object: string;
  /** The verb of the engine's messages: `add`, `edit`, `remove`, `run`, `stop`... */
  readonly verb: string;
  /** The engine's name for the type (`VM`, `Disk`), or `Object` when unknown. */
  readonly label: string;
  /** For an `add`: the struct type of the body (`Vm`). */
  readonly bodyType?: string;
}

/** Engine verbs of actions whose segment is not the verb of its messages. */
const VERBS: Readonly<Record<string, string>> = { start: "run", update: "edit" };

/** The verb of the engine's messages for action `segment` (`start` -> `run`). */
export function verbOf(segment: string): string {
  return VERBS[segment] ?? segment.toLowerCase();
}

/** The change `method` on `segments` (decoded, below the API root) makes; undefined for reads. */
export function changeOf(method: string, segments: readonly string[]): Change | undefined {
  if (method !== "POST" && method !== "PUT" && method !== "DELETE") return undefined;
  const above = segments.length ? resolve(segments.slice(0, -1)) : undefined;
  const last = segments.at(-1);
  const isLocator = above?.service.locators.some((locator) => locator.segment === last);
  if (method === "POST" && above && last !== undefined && !isLocator) {
    const action = actionOf(above.service, last);
    if (action) {
      const type = typeAt(above) ?? collectionType(above.service);
      return {
        kind: "action",
        object: above.path,
        verb: verbOf(last),
        label: type ? typeLabel(type) : "Object",
      };
    }
  }
  const location = resolve(segments);
  if (!location) return undefined;
  if (method === "POST") {
    const add = methodOf(location.service, "add");
    const type = collectionType(location.service) ?? add?.main?.type;
    if (!add) return undefined;
    return {
      kind: "add",
      object: location.path,
      verb: "add",
      label: type ? typeLabel(type) : "Object",
      bodyType: add.main?.type,
    };
  }
  const type = typeAt(location);
  return {
    kind: method === "PUT" ? "update" : "remove",
    object: location.path,
    verb: method === "PUT" ? "edit" : "remove",
    label: type ? typeLabel(type) : "Object",
  };
}

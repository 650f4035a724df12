/**
 * The reference back to the object a new object is added below, as the engine sets it:
 * an affinity group added below a cluster refers to that cluster, a quota to its data
 * center, a permission to the VM (cluster, user...) it is added below.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { homeOf, membersOf } from "./model.ts";
import type { Location } from "./tree.ts";

/** Collections whose new objects refer back to their owner. */
const BACK_REFERENCED = new Set([
  "AffinityGroupsService",
  "QuotasService",
  "AssignedPermissionsService",
]);

/**
 * The member of struct `type` that refers to objects of the top-level collection
 * `collection` (`vms` -> the `vm` member of a permission), if there is one.
 */
export function memberReferringTo(type: string, collection: string): string | undefined {
  return membersOf(type).find((member) =>
    !member.list && member.type !== undefined && homeOf(member.type) === collection
  )?.name;
}

/**
 * `body`, a new object of struct `type` for the collection at `location`, with the
 * reference to the object that collection is below, where the engine sets one.
 */
export function withOwnerReference(
  engine: Engine,
  location: Location,
  type: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const owner = location.parent;
  if (!BACK_REFERENCED.has(location.service.name) || owner?.id === undefined) return body;
  const member = memberReferringTo(type, owner.parent!.path);
  if (member === undefined) return body;
  return { ...body, [member]: engine.referenceTo(owner.parent!.path, owner.id) };
}

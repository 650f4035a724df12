/**
 * The engine's check of an update's body against the object it changes: a body that sets
 * an `id` other than the object's is refused with 409 `Broken immutability constraint`
 * (`AbstractBackendSubResource.validateUpdate`, its strictly immutable field `id`), and
 * nothing changes; the object's own id, as `get()` returned it, passes.
 *
 * @module
 */

import { Refusal } from "./answers.ts";
import type { Entity } from "./store.ts";

/**
 * Services whose update the engine makes without that check (their resources do not go
 * through `performUpdate`): a VM's CD-ROM reads only the file, a cluster's network is mapped
 * onto the stored one.
 */
const UNCHECKED: ReadonlySet<string> = new Set(["VmCdromService", "ClusterNetworkService"]);

/** Refuses, as the engine does, the update `body` of `entity` (served by `service`). */
export function checkIdUnchanged(
  service: string,
  body: Record<string, unknown>,
  entity: Entity,
): void {
  if (body.id === undefined || body.id === entity.id || UNCHECKED.has(service)) return;
  throw new Refusal(409, "Broken immutability constraint", "Attempt to set immutable field: id");
}

/**
 * Where the network attachments of one host NIC are (`hosts/{id}/nics/{nic}/networkattachments`
 * shows those of the host on that NIC): what the collections, which list them, and the
 * behaviours, which change them, both need.
 *
 * @module
 */

import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { type Location, resolvePath } from "../tree.ts";

/** The host NIC a NIC-level attachments collection is below, if `collection` is one. */
export function nicOf(collection: Location): Location | undefined {
  const nic = collection.parent;
  return nic?.parent?.service.name === "HostNicsService" ? nic : undefined;
}

/** The host-level attachments collection of the host that `nic` belongs to. */
export function hostAttachments(nic: Location): Location {
  return resolvePath(`${nic.parent!.parent!.path}/networkattachments`)!;
}

/** The attachments of the host NIC that `location` (a NIC's attachments collection) is below. */
export function nicAttachments(engine: Engine, location: Location): Entity[] {
  const nic = nicOf(location)!;
  return engine.store.items(hostAttachments(nic).path).filter((attachment) =>
    (attachment.hostNic as Reference | undefined)?.id === nic.id
  );
}

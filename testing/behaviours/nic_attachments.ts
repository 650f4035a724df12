/**
 * The network attachments of one host NIC (`hosts/{id}/nics/{nic}/networkattachments`):
 * those of the host (`hosts/{id}/networkattachments`) on that NIC, where they are stored;
 * added, changed and removed there too.
 *
 * @module
 */

import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject, removeObject, updateObject } from "../generic.ts";
import type { Entity } from "../store.ts";
import { type Location, resolvePath } from "../tree.ts";

/** The host NIC a NIC-level attachments collection is below, if `collection` is one. */
function nicOf(collection: Location): Location | undefined {
  const nic = collection.parent;
  return nic?.parent?.service.name === "HostNicsService" ? nic : undefined;
}

/** The host-level attachments collection of the host that `nic` belongs to. */
function hostAttachments(nic: Location): Location {
  return resolvePath(`${nic.parent!.parent!.path}/networkattachments`)!;
}

/** The attachments of the host NIC that `location` (a NIC's attachments collection) is below. */
export function nicAttachments(engine: Engine, location: Location): Entity[] {
  const nic = nicOf(location)!;
  return engine.store.items(hostAttachments(nic).path).filter((attachment) =>
    (attachment.hostNic as Reference | undefined)?.id === nic.id
  );
}

const attachments: Behaviour = {
  add(call: Call, body) {
    const nic = nicOf(call.location);
    if (!nic) return addObject(call, body);
    const hostNic = { id: nic.id!, href: call.engine.href(nic.path) };
    return addObject({ ...call, location: hostAttachments(nic) }, { ...body, hostNic });
  },
};

const attachment: Behaviour = {
  update(call, entity, changes) {
    const nic = nicOf(call.location.parent!);
    const collection = nic ? hostAttachments(nic) : call.location.parent!;
    return updateObject(call.engine, collection, entity, changes);
  },
  remove(call, entity) {
    const nic = nicOf(call.location.parent!);
    if (!nic) return;
    removeObject(call.engine, hostAttachments(nic), entity.id);
    return true;
  },
};

/** Behaviours of the network attachment services, by service name. */
export const NIC_ATTACHMENT_BEHAVIOURS: Record<string, Behaviour> = {
  NetworkAttachmentsService: attachments,
  NetworkAttachmentService: attachment,
};

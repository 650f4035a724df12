/**
 * The network attachments of one host NIC (`hosts/{id}/nics/{nic}/networkattachments`):
 * those of the host (`hosts/{id}/networkattachments`) on that NIC, where they are stored;
 * added, changed and removed there too.
 *
 * @module
 */

import type { Behaviour, Call } from "../behaviour.ts";
import { addObject, removeObject, updateObject } from "../generic.ts";
import { hostAttachments, nicOf } from "./nic_attachment_view.ts";

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

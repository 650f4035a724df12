/**
 * Affinity labels: an assignment is one relation seen from both sides, so assigning a
 * label below a VM or host (`vms/{vm}/affinitylabels`) also lists the VM below the label
 * (`affinitylabels/{label}/vms`), and the other way round; removing it removes both.
 *
 * @module
 */

import type { Behaviour, Call } from "../behaviour.ts";
import { addObject } from "../generic.ts";
import type { Location } from "../tree.ts";

/**
 * The other side of record `id` in collection `P/{p}/Q`: collection `Q/{id}/P` and the
 * record id `p` there.
 */
function otherSide(collection: Location, id: string): { path: string; id: string } {
  const [owners, ownerId, members] = collection.path.split("/");
  return {
    path: `${members}/${encodeURIComponent(id)}/${owners}`,
    id: decodeURIComponent(ownerId),
  };
}

function addBothSides(call: Call, body: Record<string, unknown>) {
  const added = addObject(call, body);
  const other = otherSide(call.location, added.id);
  call.engine.store.put(other.path, { id: other.id });
  return added;
}

const collection: Behaviour = { add: addBothSides };

const assignment: Behaviour = {
  remove(call, entity) {
    const other = otherSide(call.location.parent!, entity.id);
    call.engine.store.delete(other.path, other.id);
  },
};

/** Behaviours of the affinity label assignment services, by service name. */
export const AFFINITY_LABEL_BEHAVIOURS: Record<string, Behaviour> = {
  AssignedAffinityLabelsService: collection,
  AssignedAffinityLabelService: assignment,
  AffinityLabelVmsService: collection,
  AffinityLabelVmService: assignment,
  AffinityLabelHostsService: collection,
  AffinityLabelHostService: assignment,
};

/**
 * Affinity groups: a VM joins a group only if it is in the group's cluster (the engine
 * refuses one of another cluster).
 *
 * @module
 */

import { badParameters } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import { addObject } from "../generic.ts";

const groupVms: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const vm = engine.store.get("vms", engine.resolve("Vm", body).id as string)!;
    const clusterId = location.parent!.parent!.parent!.id;
    if ((vm.cluster as Reference | undefined)?.id !== clusterId) {
      throw badParameters("Cannot update Affinity Group. Provided VM resides in another Cluster.");
    }
    return addObject(call, body);
  },
};

/** Behaviours of the affinity group services, by service name. */
export const AFFINITY_GROUP_BEHAVIOURS: Record<string, Behaviour> = {
  AffinityGroupVmsService: groupVms,
};

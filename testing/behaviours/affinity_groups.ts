/**
 * Affinity groups: a VM joins a group only if it is in the group's cluster (the engine
 * refuses one of another cluster). As the engine, the VM is named by its `id` alone (400
 * without one, or with one that is not a UUID), and the answer is the `<vm>` as sent.
 *
 * @module
 */

import { badParameters, incomplete, Refusal } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import { addObject } from "../generic.ts";

/** The text form of a UUID, as the engine's `Guid` parses it. */
const UUID = /^[0-9a-f]{1,8}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,12}$/i;

const groupVms: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const id = body.id;
    if (typeof id !== "string" || id === "") throw incomplete("Vm", ["id"], "add");
    if (!UUID.test(id)) throw new Refusal(400, "Operation failed", `Invalid UUID string: ${id}`);
    const vm = engine.store.get("vms", engine.resolve("Vm", { id }).id as string)!;
    const clusterId = location.parent!.parent!.parent!.id;
    if ((vm.cluster as Reference | undefined)?.id !== clusterId) {
      throw badParameters("Cannot update Affinity Group. Provided VM resides in another Cluster.");
    }
    addObject(call, body);
    return { ...body, id };
  },
};

/** Behaviours of the affinity group services, by service name. */
export const AFFINITY_GROUP_BEHAVIOURS: Record<string, Behaviour> = {
  AffinityGroupVmsService: groupVms,
};

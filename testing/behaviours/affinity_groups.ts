/**
 * Affinity groups: a VM joins a group only if it is in the group's cluster (the engine
 * refuses one of another cluster). As the engine, the VM is named by its `id` alone (400
 * without one, or with one that is not a UUID), and the answer is the `<vm>` as sent. A
 * VM, host or label already in the group is refused as a duplicate.
 *
 * @module
 */

import { badParameters, incomplete, Refusal } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import { addObject } from "../generic.ts";

/** The text form of a UUID, as the engine's `Guid` parses it. */
const UUID = /^[0-9a-f]{1,8}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,12}$/i;

/**
 * Refuses to add member `id` to the group whose member collection `call` addresses when
 * it is there already, listed below the group or in the group's own `field` list
 * (`AddVmToAffinityGroupCommand` and its siblings); `entity` is the engine's word for it.
 */
function checkNotMember(call: Call, id: string, field: string, entity: string): void {
  const { engine, location } = call;
  const group = engine.store.get(location.parent!.parent!.path, location.parent!.id!);
  const listed = (group?.[field] as Reference[] | undefined)?.some((member) => member.id === id);
  if (listed || engine.store.get(location.path, id)) {
    throw badParameters(`Cannot edit Affinity Group. Duplicate ${entity}.`);
  }
}

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
    checkNotMember(call, id, "vms", "VM");
    addObject(call, body);
    return { ...body, id };
  },
};

/**
 * The add of a group's hosts or labels (`type` of the objects, `field` of the group,
 * `entity` the engine's word for them): refused for one already in the group.
 */
function members(type: string, field: string, entity: string): Behaviour {
  return {
    add(call, body) {
      checkNotMember(call, call.engine.resolve(type, body).id as string, field, entity);
      return addObject(call, body);
    },
  };
}

/** Behaviours of the affinity group services, by service name. */
export const AFFINITY_GROUP_BEHAVIOURS: Record<string, Behaviour> = {
  AffinityGroupVmsService: groupVms,
  AffinityGroupHostsService: members("Host", "hosts", "VDS"),
  AffinityGroupVmLabelsService: members("AffinityLabel", "vmLabels", "LABEL"),
  AffinityGroupHostLabelsService: members("AffinityLabel", "hostLabels", "LABEL"),
};

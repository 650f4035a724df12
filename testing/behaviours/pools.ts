/**
 * VM pools: adding a pool creates its `size` VMs from the pool's template, named
 * `{pool}-1`, `{pool}-2`, ..., stateless (for automatic pools) and referring to the pool;
 * refused while the template is still `locked`. Raising `size` adds VMs the same way
 * (lowering it is refused); `allocatevm` gives the signed-in user a free (down) VM of the
 * pool and starts it; removing the pool removes its VMs (the engine stops running ones
 * first).
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject, updateObject } from "../generic.ts";
import { signedInUser } from "../signed_in_user.ts";
import type { Entity } from "../store.ts";
import { resolvePath } from "../tree.ts";
import { deleteDisk } from "./disks.ts";
import { checkTemplateNotLocked, createVm } from "./vm_creation.ts";
import { VM_BEHAVIOURS } from "./vms.ts";

/** The VMs of pool `poolId`. */
function vmsOf(engine: Engine, poolId: string): Entity[] {
  return engine.store.items("vms").filter((vm) =>
    (vm.vmPool as Reference | undefined)?.id === poolId
  );
}

/** Creates `count` more VMs of `pool`, numbered after the names already taken. */
function addPoolVms(engine: Engine, pool: Entity, count: number): void {
  const taken = new Set(engine.store.items("vms").map((vm) => vm.name));
  let index = 0;
  for (let added = 0; added < count; added++) {
    while (taken.has(`${pool.name}-${++index}`));
    createVm(engine, {
      name: `${pool.name}-${index}`,
      cluster: pool.cluster,
      template: pool.template,
      stateless: pool.type !== "manual",
      vmPool: engine.referenceTo("vmpools", pool.id),
    });
  }
}

function sizeOf(pool: Record<string, unknown>): number {
  return typeof pool.size === "number" ? pool.size : 1;
}

const pools: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const template = engine.resolve("Template", body.template as Record<string, unknown>);
    checkTemplateNotLocked(engine.store.get("templates", template.id as string)!, "add VM-Pool");
    const pool = addObject(call, { type: "automatic", prestartedVms: 0, maxUserVms: 1, ...body });
    addPoolVms(engine, pool, sizeOf(pool));
    return pool;
  },
};

/** Gives the signed-in user a free VM of pool `pool` (UserVmManager on it) and starts it. */
function allocateVm(call: Call, pool: Entity): void {
  const { engine } = call;
  const vm = vmsOf(engine, pool.id).find((candidate) => candidate.status === "down");
  if (!vm) {
    throw conflict(
      "Cannot allocate and run VM from VM-Pool. There are no available VMs in the VM-Pool.",
    );
  }
  const vmPath = `vms/${encodeURIComponent(vm.id)}`;
  VM_BEHAVIOURS.VmService.actions!.start({ ...call, location: resolvePath(vmPath)! }, vm, {});
  const role = engine.store.find("roles", (candidate) => candidate.name === "UserVmManager");
  const user = signedInUser(engine);
  if (role && user) {
    engine.store.put(`${vmPath}/permissions`, {
      id: engine.newId(),
      role: engine.referenceTo("roles", role.id),
      user: engine.referenceTo("users", user.id),
      vm: engine.referenceTo("vms", vm.id),
    });
  }
}

const pool: Behaviour = {
  update(call, entity, changes) {
    const size = changes.size;
    if (typeof size === "number" && size < sizeOf(entity)) {
      throw badParameters("Cannot decrease VMs from VM-Pool.");
    }
    const updated = updateObject(call.engine, call.location.parent!, entity, changes);
    addPoolVms(call.engine, updated, sizeOf(updated) - sizeOf(entity));
    return updated;
  },
  remove({ engine }, entity) {
    for (const vm of vmsOf(engine, entity.id)) {
      const vmPath = `vms/${encodeURIComponent(vm.id)}`;
      for (const attachment of engine.store.items(`${vmPath}/diskattachments`)) {
        deleteDisk(engine, attachment.id);
      }
      engine.store.delete("vms", vm.id);
    }
  },
  actions: { allocatevm: (call, entity) => allocateVm(call, entity!) },
};

/** Behaviours of the VM pool services, by service name. */
export const POOL_BEHAVIOURS: Record<string, Behaviour> = {
  VmPoolsService: pools,
  VmPoolService: pool,
};

/**
 * VM pools: adding a pool creates its `size` VMs from the pool's template, named
 * `{pool}-1`, `{pool}-2`, ..., stateless (for automatic pools) and referring to the pool.
 *
 * @module
 */

import type { Behaviour } from "../behaviour.ts";
import { addObject } from "../generic.ts";
import { createVm } from "./vm_creation.ts";

const pools: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const pool = addObject(call, { type: "automatic", prestartedVms: 0, maxUserVms: 1, ...body });
    const size = typeof pool.size === "number" ? pool.size : 1;
    for (let index = 1; index <= size; index++) {
      createVm(engine, {
        name: `${pool.name}-${index}`,
        cluster: pool.cluster,
        template: pool.template,
        stateless: pool.type !== "manual",
        vmPool: engine.referenceTo("vmpools", pool.id),
      });
    }
    return pool;
  },
};

/** Behaviours of the VM pool services, by service name. */
export const POOL_BEHAVIOURS: Record<string, Behaviour> = { VmPoolsService: pools };

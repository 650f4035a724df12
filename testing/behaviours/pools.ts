/**
 * VM pools: adding a pool creates its `size` VMs from the pool's template, named
 * `{pool}-1`, `{pool}-2`, ..., stateless (for automatic pools) and referring to the pool;
 * refused while the template is still `locked`.
 *
 * @module
 */

import type { Behaviour } from "../behaviour.ts";
import { addObject } from "../generic.ts";
import { checkTemplateNotLocked, createVm } from "./vm_creation.ts";

const pools: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const template = engine.resolve("Template", body.template as Record<string, unknown>);
    checkTemplateNotLocked(engine.store.get("templates", template.id as string)!, "add VM-Pool");
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

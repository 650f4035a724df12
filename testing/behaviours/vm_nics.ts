/**
 * The NICs of a VM: added with a unique name and a MAC address from the simulator's range
 * unless one is given. A MAC address another NIC has is refused unless the MAC pool of the
 * VM's cluster allows duplicates (`MacAddressValidator.isMacAssignableValidator`); the type
 * or MAC address of a plugged NIC of a VM that is up cannot change while it stays plugged
 * (`UpdateVmInterfaceCommand.unplugPlugNotRequired`).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { updateObject, withReferences } from "../generic.ts";
import type { Entity } from "../store.ts";
import { checkUniqueName } from "../unique_names.ts";
import { newMac } from "./devices.ts";
import { checkVmNotLocked } from "./vm_creation.ts";

/** The address of a NIC's `mac`, in lower case, if it has one. */
function addressOf(mac: unknown): string | undefined {
  const address = (mac as { address?: unknown } | undefined)?.address;
  return typeof address === "string" ? address.toLowerCase() : undefined;
}

/**
 * The id of the MAC pool the VMs of cluster `clusterId` take addresses from: the cluster's,
 * else its data center's, else the default pool.
 */
function macPoolOf(engine: Engine, clusterId: string | undefined): string | undefined {
  const cluster = clusterId === undefined ? undefined : engine.store.get("clusters", clusterId);
  const own = (cluster?.macPool as Reference | undefined)?.id;
  if (own !== undefined) return own;
  const dataCenterId = (cluster?.dataCenter as Reference | undefined)?.id;
  const dataCenter = dataCenterId === undefined
    ? undefined
    : engine.store.get("datacenters", dataCenterId);
  const inherited = (dataCenter?.macPool as Reference | undefined)?.id;
  return inherited ?? engine.store.find("macpools", (pool) => pool.defaultPool === true)?.id;
}

/**
 * Refuses MAC address `address` for a NIC (other than `nicId`) of `vm` when another NIC of a
 * VM on the same MAC pool has it and the pool does not allow duplicates.
 */
function checkMacFree(
  engine: Engine,
  vm: Entity,
  address: string | undefined,
  nicId?: string,
): void {
  if (address === undefined) return;
  const poolId = macPoolOf(engine, (vm.cluster as Reference | undefined)?.id);
  const pool = poolId === undefined ? undefined : engine.store.get("macpools", poolId);
  if (pool === undefined || pool.allowDuplicates === true) return;
  for (const other of engine.store.items("vms")) {
    if (macPoolOf(engine, (other.cluster as Reference | undefined)?.id) !== poolId) continue;
    const nics = engine.store.items(`vms/${encodeURIComponent(other.id)}/nics`);
    if (nics.some((nic) => nic.id !== nicId && addressOf(nic.mac) === address)) {
      throw conflict(`MAC Address ${address} is already in use by VM or snapshot: ${other.name}.`);
    }
  }
}

/** `VmNicsService`: adds a NIC. */
export const VM_NICS: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const vm = engine.store.get("vms", call.location.parent!.id!)!;
    checkVmNotLocked(vm, "add NIC to");
    const described = withReferences(engine, "Nic", body);
    checkUniqueName(
      engine,
      "VmNicsService",
      "Nic",
      described,
      engine.store.items(call.location.path),
    );
    checkMacFree(engine, vm, addressOf(body.mac));
    return engine.store.put(call.location.path, {
      interface: "virtio",
      plugged: true,
      linked: true,
      ...described,
      id: engine.newId(),
      mac: (body.mac as object | undefined) ?? { address: newMac(engine) },
      vm: engine.referenceTo("vms", vm.id),
    });
  },
};

/** `VmNicService`: updates a NIC. */
export const VM_NIC: Behaviour = {
  update(call, entity, changes) {
    const { engine } = call;
    const vm = engine.store.get("vms", call.location.parent!.parent!.id!)!;
    const address = addressOf(changes.mac);
    const macChanged = address !== undefined && address !== addressOf(entity.mac);
    const typeChanged = changes.interface !== undefined && changes.interface !== entity.interface;
    const plugged = entity.plugged !== false && (changes.plugged ?? entity.plugged) !== false;
    if (plugged && vm.status === "up" && (macChanged || typeChanged)) {
      throw conflict(
        "Cannot edit Interface. Updating some of the properties is not supported while the interface is plugged into a running virtual machine. Please un-plug the interface, update the properties, and then plug it back.",
      );
    }
    if (macChanged) checkMacFree(engine, vm, address, entity.id);
    return updateObject(engine, call.location.parent!, entity, changes);
  },
};

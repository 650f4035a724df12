/**
 * Whether a storage domain can take work: a disk is made, moved or copied only to a data
 * domain `active` in its data center (not to one attached to none, nor to an ISO or export
 * domain), a VM started only on active domains, a VM or template exported only to one
 * active in its own data center (the engine names the status of one that is not); which
 * VMs use a domain.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

/** The status of domain `domainId` in its data center, or undefined if it is attached to none. */
export function attachedStatus(engine: Engine, domainId: string): string | undefined {
  const domain = engine.store.get("storagedomains", domainId);
  const dcId = (domain?.dataCenter as Reference | undefined)?.id;
  if (dcId === undefined) return undefined;
  return engine.store.get(`datacenters/${encodeURIComponent(dcId)}/storagedomains`, domainId)
    ?.status as string | undefined;
}

/**
 * Refuses `what` (`add Virtual Disk`, `run VM`) when one of `domainIds` is attached to a
 * data center and not `active` there.
 */
export function checkDomainsActive(
  engine: Engine,
  domainIds: Iterable<string>,
  what: string,
): void {
  for (const id of domainIds) {
    const status = attachedStatus(engine, id);
    if (status !== undefined && status !== "active") {
      throw conflict(
        `Cannot ${what}. The relevant Storage Domain's status is ${enumName(status)}.`,
      );
    }
  }
}

/**
 * Refuses `what` (`add Virtual Disk`, `move Virtual Disk`) with domain `domainId` as the
 * disk's place, as the engine's `StorageDomainValidator` does: a domain that is not active
 * in a data center by its status (`Unattached` for one attached to none), then an ISO or
 * export domain, which holds no disks.
 */
export function checkDiskDestination(engine: Engine, domainId: string, what: string): void {
  const status = attachedStatus(engine, domainId) ?? "unattached";
  if (status !== "active") {
    throw conflict(`Cannot ${what}. The relevant Storage Domain's status is ${enumName(status)}.`);
  }
  const type = engine.store.get("storagedomains", domainId)?.type;
  if (type === "iso" || type === "export") {
    throw badParameters(`Cannot ${what}. Storage Domain type is illegal.`);
  }
}

/**
 * Refuses `what` (`export VM`) unless domain `domainId` is `active` in data center
 * `dataCenterId`: an unattached domain is refused for its status, one of another data
 * center because that data center does not hold the `label` (`VM`, `Template`).
 */
export function checkDomainActiveIn(
  engine: Engine,
  domainId: string,
  dataCenterId: string | undefined,
  what: string,
  label: string,
): void {
  const status = attachedStatus(engine, domainId) ?? "unattached";
  if (status !== "active") {
    throw conflict(`Cannot ${what}. The relevant Storage Domain's status is ${enumName(status)}.`);
  }
  const domain = engine.store.get("storagedomains", domainId);
  if ((domain?.dataCenter as Reference | undefined)?.id !== dataCenterId) {
    throw conflict(`Cannot ${what}. The target Data Center does not contain the ${label}.`);
  }
}

/** The ids of the storage domains the disks of `vm` are on. */
export function diskDomainsOf(engine: Engine, vm: Entity): Set<string> {
  const ids = new Set<string>();
  for (const attachment of engine.store.items(`vms/${encodeURIComponent(vm.id)}/diskattachments`)) {
    const disk = engine.store.get("disks", attachment.id);
    for (const domain of (disk?.storageDomains as Reference[] | undefined) ?? []) {
      ids.add(domain.id);
    }
  }
  return ids;
}

/** The VMs neither down nor suspended that have a disk on domain `domainId`. */
export function activeVmsOn(engine: Engine, domainId: string): Entity[] {
  return engine.store.items("vms").filter((vm) =>
    vm.status !== "down" && vm.status !== "suspended" && diskDomainsOf(engine, vm).has(domainId)
  );
}

/** The engine's name of a status (`preparing_for_maintenance` -> `PreparingForMaintenance`). */
function enumName(status: string): string {
  return status.split("_").map((word) => word[0].toUpperCase() + word.slice(1)).join("");
}

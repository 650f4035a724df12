/**
 * Adds the engine answers like an action: it makes the change (a host added to an
 * affinity group, a connection attached to a storage domain...) and answers `200` with a
 * completed `<action>`, not with the object added.
 *
 * @module
 */

import type { Location } from "./tree.ts";

/** The collections whose adds are so answered: the owner's service, then the segment. */
const ACTION_ANSWERED = new Set([
  "AffinityGroupService/hosts",
  "AffinityGroupService/hostlabels",
  "AffinityGroupService/vmlabels",
  "StorageDomainService/storageconnections",
  "IscsiBondService/networks",
  "IscsiBondService/storageserverconnections",
  "HostNicService/virtualfunctionallowednetworks",
]);

/** Whether an add to the collection at `location` is answered with a completed action. */
export function addAnsweredAsAction(location: Location): boolean {
  const segment = location.path.slice(location.path.lastIndexOf("/") + 1);
  return ACTION_ANSWERED.has(`${location.parent?.service.name}/${segment}`);
}

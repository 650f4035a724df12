/**
 * What the engine does that its API model does not say, as the generator's docs need it.
 * Each fact names the engine code it was read from (`ovirt-engine`,
 * `backend/manager/modules/restapi/jaxrs`).
 *
 * @module
 */

/**
 * The collections whose `add` the engine answers with `200` and a completed `<action>`
 * instead of the object added (the change is made), as `"<owner service>/<segment>"`: the
 * service whose locator leads to the collection, then the locator's URL segment. Their
 * resources' `add` returns `performAction(...)`:
 *
 * - `BackendAffinityGroupHostsResource` (`AddHostToAffinityGroup`)
 * - `BackendAffinityGroupHostLabelsResource` (`AddHostLabelToAffinityGroup`)
 * - `BackendAffinityGroupVmLabelsResource` (`AddVmLabelToAffinityGroup`)
 * - `BackendStorageDomainServerConnectionsResource` (`AttachStorageConnectionToStorageDomain`)
 * - `BackendIscsiBondNetworksResource` (`EditIscsiBond`)
 * - `BackendIscsiBondStorageConnectionsResource` (`EditIscsiBond`)
 * - `BackendVirtualFunctionAllowedNetworksResource` (`AddVfsConfigNetwork`)
 *
 * `BackendAffinityGroupVmsResource` performs an action too but answers with the VM sent, so
 * its collection is not here. The networks and storage connections of an iSCSI bond are
 * served by the same model services as `/networks` and `/storageconnections`, whose adds
 * answer with the object: the fact belongs to the place, not to the service.
 */
export const ACTION_ANSWERED_ADDS: ReadonlySet<string> = new Set([
  "AffinityGroupService/hosts",
  "AffinityGroupService/hostlabels",
  "AffinityGroupService/vmlabels",
  "StorageDomainService/storageconnections",
  "IscsiBondService/networks",
  "IscsiBondService/storageserverconnections",
  "HostNicService/virtualfunctionallowednetworks",
]);

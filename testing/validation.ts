/**
 * What the engine insists on (its REST layer's `validateParameters` checks, and the
 * model's `mandatory()` input details): values an add, update or action must carry; and
 * how the engine names a type in its messages.
 *
 * @module
 */

import { incomplete } from "./answers.ts";

/**
 * Mandatory values per `Service.method`, as dotted member tags. `a|b` are alternatives:
 * a bare word replaces the last step (`cluster.id|name`), a dotted one is a full path.
 */
const REQUIRED: Record<string, readonly string[]> = {
  "VmsService.add": [
    "name|initialization.configuration.data",
    "cluster.id|name",
    "template.id|name|snapshots.id|initialization.configuration.data",
  ],
  "TemplatesService.add": [
    "name|initialization.configuration.data",
    "vm.id|name|initialization.configuration.data",
  ],
  "DisksService.add": ["provisioned_size|lun_storage", "format|lun_storage"],
  "DiskAttachmentsService.add": [
    "interface",
    "disk.id|provisioned_size|lun_storage",
    "disk.id|format|lun_storage",
  ],
  "ClustersService.add": ["name", "data_center.id|name"],
  "DataCentersService.add": ["name", "local"],
  "HostsService.add": ["name", "address"],
  "StorageDomainsService.add": ["name", "type", "host.id|name", "storage.type"],
  "AttachedStorageDomainsService.add": ["id|name"],
  "NetworksService.add": ["name", "data_center.id|name"],
  "TagsService.add": ["name"],
  "UsersService.add": ["user_name", "domain.id|name"],
  "GroupsService.add": ["name"],
  "RolesService.add": ["name", "permits.id"],
  "EventsService.add": ["description", "severity", "origin", "custom_id"],
  "JobsService.add": ["description"],
  "ImageTransfersService.add": ["disk.id|image.id|snapshot.id"],
  "VmNicsService.add": ["name"],
  "SnapshotsService.add": ["description"],
  "VmService.previewSnapshot": ["snapshot.id"],
  "VmPoolsService.add": ["name", "cluster.id|name", "template.id|name"],
  "StorageDomainVmService.import": ["storage_domain.id|name"],
  "ExternalVmImportsService.add": [
    "name",
    "provider",
    "url",
    "cluster.id|name",
    "storage_domain.id|name",
  ],
  "ExternalTemplateImportsService.add": ["url", "cluster.id|name", "storage_domain.id|name"],
  "MacPoolsService.add": ["name"],
  "AssignedPermissionsService.add": ["role.id|name"],
  "SystemPermissionsService.add": ["role.id|name"],
  "DiskService.move": ["storage_domain.id|name"],
  "DiskService.copy": ["storage_domain.id|name"],
  "StorageDomainDiskService.move": ["storage_domain.id|name"],
  "StorageDomainDiskService.copy": ["storage_domain.id|name"],
  "AttachedStorageDomainDiskService.move": ["storage_domain.id|name"],
  "AttachedStorageDomainDiskService.copy": ["storage_domain.id|name"],
  "AssignedTagsService.add": ["id|name"],
  "AffinityLabelsService.add": ["name"],
  "AffinityLabelHostsService.add": ["id"],
  "AffinityLabelVmsService.add": ["id"],
  "AssignedAffinityLabelsService.add": ["id"],
  "BookmarksService.add": ["name"],
  "ClusterNetworksService.add": ["id|name"],
  "NetworkAttachmentsService.add": ["network.id|name"],
  "NetworkLabelsService.add": ["id"],
  "DataCenterNetworksService.add": ["name"],
  "VnicProfilesService.add": ["name", "network.id"],
  "AssignedVnicProfilesService.add": ["name"],
  "CpuProfilesService.add": ["name", "cluster.id"],
  "AssignedCpuProfilesService.add": ["name"],
  "DiskProfilesService.add": ["name", "storage_domain.id"],
  "AssignedDiskProfilesService.add": ["name"],
  "VmNumaNodesService.add": ["index", "memory", "cpu"],
  "VirtualFunctionAllowedNetworksService.add": ["id|name"],
  "IscsiBondsService.add": ["name"],
  "QossService.add": ["name", "type"],
  "QuotasService.add": ["name"],
  "PermitsService.add": ["name|id"],
  "SchedulingPoliciesService.add": ["name"],
  "StepsService.add": ["type", "description"],
  "InstanceTypesService.add": ["name"],
  "InstanceTypeNicsService.add": ["name"],
  "TemplateNicsService.add": ["name"],
  "InstanceTypeWatchdogsService.add": ["action", "model"],
  "TemplateWatchdogsService.add": ["action", "model"],
  "VmWatchdogsService.add": ["action", "model"],
  "VmCdromsService.add": ["file.id"],
  "VmCdromService.update": ["file"],
  "VmHostDevicesService.add": ["id|name"],
  "NicNetworkFilterParametersService.add": ["value"],
  "VmService.clone": ["vm.name"],
  "VmService.maintenance": ["maintenance_enabled"],
  "FenceAgentsService.add": ["address", "order", "type", "username", "password"],
  "HostService.fence": ["fence_type"],
  "HostService.iscsiLogin": ["iscsi.address", "iscsi.target"],
  "HostService.iscsiDiscover": ["iscsi.address"],
  "HostNicService.updateVirtualFunctionsConfiguration": [
    "virtual_functions_configuration.number_of_virtual_functions|all_networks_allowed",
  ],
  "StorageDomainService.isAttached": ["host.id|name"],
  "StorageDomainServerConnectionsService.add": ["id"],
  "StorageServerConnectionsService.add": ["type"],
  "StorageDomainTemplateService.import": ["storage_domain.id|name"],
  "ImageService.import": ["storage_domain.id|name"],
  "OpenstackImageService.import": ["storage_domain.id|name"],
  "ExternalHostProvidersService.add": ["name"],
  "OpenstackImageProvidersService.add": ["name"],
  "OpenstackNetworkProvidersService.add": ["name"],
  "ExternalHostProviderService.importCertificates": ["certificates.content"],
  "OpenstackImageProviderService.importCertificates": ["certificates.content"],
  "OpenstackNetworkProviderService.importCertificates": ["certificates.content"],
  "OpenstackVolumeProviderService.importCertificates": ["certificates.content"],
  "DiskService.export": ["storage_domain.id|name"],
  "DiskService.refreshLun": ["host.id|name"],
  "GlusterVolumesService.add": ["name", "volume_type", "bricks"],
  "GlusterVolumeService.setOption": ["name", "value"],
  "GlusterVolumeService.resetOption": ["name"],
  "GlusterBricksService.add": ["server_id", "brick_dir"],
  "GlusterBricksService.remove": ["id|name"],
  "GlusterBricksService.activate": ["bricks"],
  "GlusterBricksService.migrate": ["bricks"],
  "GlusterBricksService.stopMigrate": ["bricks"],
};

/**
 * Members the engine asks for in a second check, made once the first passed; some depend
 * on a value of the request (a storage connection's `type`).
 */
const THEN: Record<string, (value: Record<string, unknown>) => readonly string[]> = {
  "BookmarksService.add": () => ["value"],
  "StepsService.add": (step) => (step.parentStep === undefined ? [] : ["parent_step.id"]),
  "ImageService.import": clusterIfTemplate,
  "OpenstackImageService.import": clusterIfTemplate,
  "StorageServerConnectionsService.add": (connection) =>
    CONNECTION_MEMBERS[String(connection.type)] ?? [],
};

/** What a new storage server connection must carry, by its `type`. */
const CONNECTION_MEMBERS: Record<string, readonly string[]> = {
  iscsi: ["address", "target", "port"],
  nfs: ["address", "path"],
  localfs: ["path"],
  posixfs: ["path", "vfs_type"],
  glusterfs: ["path", "vfs_type"],
};

/** Methods whose check is of one member of the request, named in messages by its type. */
const WITHIN: Record<string, { member: string; type: string }> = {
  "GlusterVolumeService.setOption": { member: "option", type: "Option" },
  "GlusterVolumeService.resetOption": { member: "option", type: "Option" },
};

/**
 * Throws 400 `Incomplete parameters` if `value` (of struct `type`) lacks a mandatory value
 * of `service.method`.
 */
export function checkRequired(
  service: string,
  method: string,
  type: string,
  value: Record<string, unknown>,
): void {
  const key = `${service}.${method}`;
  const within = WITHIN[key];
  const checked = within ? (value[within.member] ?? {}) as Record<string, unknown> : value;
  const refuse = (rules: readonly string[]) => {
    const missing = rules.filter((rule) => !alternatives(rule).some((path) => has(checked, path)));
    if (missing.length) throw incomplete(within?.type ?? type, missing, engineMethod(key, method));
  };
  refuse(REQUIRED[key] ?? []);
  refuse(THEN[key]?.(checked) ?? []);
}

/** An image imported as a template needs the template's cluster. */
function clusterIfTemplate(action: Record<string, unknown>): readonly string[] {
  return action.importAsTemplate === true ? ["cluster.id|name"] : [];
}

/** Methods whose check the engine makes in a method of its own, which its message names. */
const CHECKED_IN: Record<string, string> = {
  "VnicProfilesService.add": "validateParameters",
  "AssignedVnicProfilesService.add": "validateParameters",
  "CpuProfilesService.add": "validateParameters",
  "AssignedCpuProfilesService.add": "validateParameters",
  "DiskProfilesService.add": "validateParameters",
  "AssignedDiskProfilesService.add": "validateParameters",
};

/**
 * The engine's name, in its messages, of the method `key` names: Java reserves `import` and
 * `clone`, so the engine has `doImport` and `doClone`.
 */
function engineMethod(key: string, method: string): string {
  if (CHECKED_IN[key] !== undefined) return CHECKED_IN[key];
  return method === "import" || method === "clone"
    ? `do${method[0].toUpperCase()}${method.slice(1)}`
    : method;
}

/** How the engine names a type in messages: `VM`, `Storage Domain`. */
export function typeLabel(type: string): string {
  if (type === "Vm") return "VM";
  return type.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
}

function alternatives(rule: string): string[] {
  const [first, ...rest] = rule.split("|");
  const stem = first.includes(".") ? first.slice(0, first.lastIndexOf(".") + 1) : "";
  return [first, ...rest.map((alt) => (alt.includes(".") ? alt : stem + alt))];
}

/** Whether `value` has a value at `path`; in a list, its first item counts. */
function has(value: Record<string, unknown>, path: string): boolean {
  let current: unknown = value;
  for (const tag of path.split(".")) {
    if (Array.isArray(current)) current = current[0];
    if (typeof current !== "object" || current === null) return false;
    current = (current as Record<string, unknown>)[camel(tag)];
  }
  return current !== undefined && current !== null && current !== "";
}

function camel(tag: string): string {
  return tag.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * What the engine insists on (the model's `mandatory()` input details, for the methods
 * the simulator's users meet): values an add or action must carry; and how the engine
 * names a type in its messages.
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
  "RolesService.add": ["name"],
  "EventsService.add": ["description", "severity", "origin", "custom_id"],
  "JobsService.add": ["description"],
  "ImageTransfersService.add": ["disk.id|image.id|snapshot.id"],
  "VmNicsService.add": ["name"],
  "SnapshotsService.add": ["description"],
  "VmService.previewSnapshot": ["snapshot.id"],
  "VmPoolsService.add": ["name", "cluster.id|name", "template.id|name"],
  "StorageDomainVmService.import": ["cluster.id|name", "storage_domain.id|name"],
  "StorageDomainVmService.register": ["cluster.id|name"],
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
};

/** Throws 400 `Incomplete parameters` if `value` lacks a mandatory value of `service.method`. */
export function checkRequired(
  service: string,
  method: string,
  type: string,
  value: Record<string, unknown>,
): void {
  const required = REQUIRED[`${service}.${method}`] ?? [];
  const missing = required.filter((rule) => !alternatives(rule).some((path) => has(value, path)));
  if (missing.length) throw incomplete(type, missing, method);
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

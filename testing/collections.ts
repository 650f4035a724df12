/**
 * The three kinds of collection the engine has, and how each stores and shows objects:
 *
 * - **home**: the top-level collection of a type (`vms`, `disks`): objects live here;
 * - **owned**: a collection of a type that has no home (`vms/{id}/nics`): objects live here;
 * - **reference**: a collection below an entity whose type has a home elsewhere
 *   (`datacenters/{id}/storagedomains`, `vms/{id}/tags`): it stores small records
 *   (`id` plus values of its own, such as an attached domain's `status`), and shows each
 *   as the home object overlaid with the record;
 * - **view**: a collection below an entity that shows home objects chosen by a filter
 *   (`storagedomains/{id}/disks`: the disks on that domain); it stores nothing, except
 *   the copies that the `vms` and `templates` views of a storage domain also show.
 *
 * @module
 */

import { diskSnapshotsAt } from "./behaviours/disk_snapshots.ts";
import { reportedDevices } from "./behaviours/guest.ts";
import { nicAttachments } from "./behaviours/nic_attachment_view.ts";
import { isPrincipalView, principalPermissions } from "./behaviours/permission_views.ts";
import type { Engine } from "./engine.ts";
import { collectionType, homeOf } from "./model.ts";
import type { Entity } from "./store.ts";
import type { Location } from "./tree.ts";

/** How a collection keeps its objects. */
export type CollectionKind = "home" | "owned" | "reference" | "view";

/** Collections below entities that own their objects although the type has a home. */
const OWNED_SERVICES = new Set(["AssignedPermissionsService"]);

/** The filter of each view collection, by service: which home objects it shows. */
const VIEWS: Record<string, (engine: Engine, location: Location) => Entity[]> = {
  StorageDomainDisksService: disksOnDomain,
  AttachedStorageDomainDisksService: disksOnDomain,
  DataCenterNetworksService: (engine, location) =>
    engine.store.items("networks").filter((network) =>
      idOf(network.dataCenter) === location.parent!.id
    ),
  StorageDomainVmsService: (engine, location) => onDomain(engine, location, "vms"),
  StorageDomainTemplatesService: (engine, location) => onDomain(engine, location, "templates"),
  VmReportedDevicesService: reportedDevices,
  // The disks of a snapshot: those attached to its VM.
  // The layers of a disk's image chain, below a disk or a storage domain.
  DiskSnapshotsService: diskSnapshotsAt,
  SnapshotDisksService: (engine, location) =>
    engine.store.items(`${location.parent!.parent!.parent!.path}/diskattachments`)
      .flatMap((attachment) => engine.store.get("disks", attachment.id) ?? []),
};

/**
 * Views of a home collection's own service found below another entity: the clusters of a
 * data center (`datacenters/{id}/clusters`) are the clusters whose `data_center` it is.
 */
const NESTED_HOME_VIEWS: Record<string, (engine: Engine, location: Location) => Entity[]> = {
  ClustersService: (engine, location) =>
    engine.store.items("clusters").filter((cluster) =>
      idOf(cluster.dataCenter) === location.parent!.id
    ),
};

/**
 * Views of a service that stores its objects elsewhere but here: the permissions of a
 * user or group (given on all kinds of objects), the network attachments of one host NIC
 * (those of its host on that NIC).
 */
function placedView(
  location: Location,
): ((engine: Engine, location: Location) => Entity[]) | undefined {
  if (isPrincipalView(location)) return principalPermissions;
  const above = location.parent?.parent?.service.name;
  if (location.service.name === "NetworkAttachmentsService" && above === "HostNicsService") {
    return nicAttachments;
  }
  return undefined;
}

/** The view filter of the collection at `location`, if it is a view. */
function viewOf(
  location: Location,
): ((engine: Engine, location: Location) => Entity[]) | undefined {
  const nested = location.parent?.id !== undefined
    ? NESTED_HOME_VIEWS[location.service.name]
    : undefined;
  return VIEWS[location.service.name] ?? nested ?? placedView(location);
}

/**
 * The VMs or templates (`owners`) on a storage domain: those with a disk there, then the
 * copies stored in the collection itself (exported to an export domain, or unregistered
 * ones found on a data domain), which are not the engine's own objects.
 */
function onDomain(engine: Engine, location: Location, owners: "vms" | "templates"): Entity[] {
  const onIt = new Set(disksOnDomain(engine, location).map((disk) => disk.id));
  const withDisk = engine.store.items(owners).filter((owner) =>
    engine.store.items(`${owners}/${encodeURIComponent(owner.id)}/diskattachments`)
      .some((attachment) => onIt.has(attachment.id))
  );
  return [...withDisk, ...engine.store.items(location.path)];
}

function disksOnDomain(engine: Engine, location: Location): Entity[] {
  const domain = location.parent!.id;
  return engine.store.items("disks").filter((disk) =>
    (disk.storageDomains as unknown[] | undefined)?.some((reference) => idOf(reference) === domain)
  );
}

function idOf(reference: unknown): unknown {
  return (reference as { id?: unknown } | undefined)?.id;
}

/** The kind of the collection at `location`. */
export function collectionKind(location: Location): CollectionKind {
  if (viewOf(location)) return "view";
  const type = collectionType(location.service);
  const home = type === undefined ? undefined : homeOf(type);
  if (home === undefined || OWNED_SERVICES.has(location.service.name)) return "owned";
  return location.path === home ? "home" : "reference";
}

/** The objects of the collection at `location`, as clients see them. */
export function itemsOf(engine: Engine, location: Location): Entity[] {
  const view = viewOf(location);
  if (view) return view(engine, location);
  const records = engine.store.items(location.path);
  if (collectionKind(location) !== "reference") return records;
  const type = collectionType(location.service)!;
  const items: Entity[] = [];
  for (const record of records) {
    const home = engine.homeObject(type, record.id);
    if (home) items.push({ ...home, ...record });
  }
  return items;
}

/**
 * Object `id` of the collection at `location` as clients see it; a locator taking an
 * id or a name (`idOrName`) also finds it by name.
 */
export function itemOf(engine: Engine, location: Location, id: string): Entity | undefined {
  if (viewOf(location)) return itemsOf(engine, location).find((item) => item.id === id);
  const record = engine.store.get(location.path, id);
  const reference = collectionKind(location) === "reference";
  if (record) {
    if (!reference) return record;
    const home = engine.homeObject(collectionType(location.service)!, id);
    return home ? { ...home, ...record } : undefined;
  }
  const byName = location.service.locators.some((locator) => locator.parameter === "idOrName");
  return byName ? itemsOf(engine, location).find((item) => item.name === id) : undefined;
}

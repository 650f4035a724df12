/**
 * Which collections the engine lists through its search backend, and what a search there
 * looks through. The model gives a `search` parameter to a few lists whose engine resource
 * never reads it (`BackendFilesResource`, `BackendInstanceTypeNicsResource`,
 * `BackendInstanceTypeWatchdogsResource`, `BackendExportDomainDisksResource`): they ignore
 * it, as every list without the parameter does. A Gluster volume search, an empty one too,
 * replaces the default `cluster = <name>` constraint of `clusters/{id}/glustervolumes`
 * (`BackendGlusterVolumesResource.list`, `QueryHelper.getConstraint`): it looks through the
 * volumes of every cluster.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { methodOf } from "./model.ts";
import type { Entity } from "./store.ts";
import type { Location } from "./tree.ts";

/** Lists whose model takes `search` but whose engine resource does not read it. */
const SEARCH_IGNORED: ReadonlySet<string> = new Set([
  "FilesService",
  "InstanceTypeNicsService",
  "InstanceTypeWatchdogsService",
  "StorageDomainContentDisksService",
]);

/** Whether the engine lists the collection at `location` through its search backend. */
export function searchable(location: Location): boolean {
  if (SEARCH_IGNORED.has(location.service.name)) return false;
  return methodOf(location.service, "list")?.params.some((param) => param.wire === "search") ??
    false;
}

/**
 * The objects a search of the collection at `location` looks through, given those the
 * collection `listed`: the volumes of every cluster for a cluster's Gluster volumes.
 */
export function searchScope(engine: Engine, location: Location, listed: Entity[]): Entity[] {
  if (location.service.name !== "GlusterVolumesService") return listed;
  return engine.store.items("clusters").flatMap((cluster) =>
    engine.store.items(`clusters/${encodeURIComponent(cluster.id)}/glustervolumes`)
  );
}

/**
 * Which collections the engine lists through its search backend. The model gives a `search`
 * parameter to a few lists whose engine resource never reads it (`BackendFilesResource`,
 * `BackendInstanceTypeNicsResource`, `BackendInstanceTypeWatchdogsResource`,
 * `BackendExportDomainDisksResource`): they ignore it, as every list without the parameter
 * does.
 *
 * @module
 */

import { methodOf } from "./model.ts";
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

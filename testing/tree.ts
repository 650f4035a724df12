/**
 * Walking a request path down the service tree from the root, one segment at a time:
 * a parameterless locator's segment selects it, anything else is the id given to the
 * service's parameterised locator.
 *
 * @module
 */

import { SERVICES } from "../services/metadata.ts";
import type { ServiceMeta } from "../transport/service.ts";
import { entityType, ROOT } from "./model.ts";

/** A service reached from the root, with the path that reached it. */
export interface Location {
  /** The service. */
  readonly service: ServiceMeta;
  /** Its path below the API root, segments percent-encoded (`vms/1a2/nics`); `""` is the root. */
  readonly path: string;
  /** The service one segment up (absent for the root). */
  readonly parent?: Location;
  /** The decoded id, when the last step was a parameterised locator. */
  readonly id?: string;
}

/** The root location. */
export const ROOT_LOCATION: Location = { service: ROOT, path: "" };

/** The service one `segment` (decoded) below `from`, or `undefined` if there is none. */
export function step(from: Location, segment: string): Location | undefined {
  const fixed = from.service.locators.find((locator) => locator.segment === segment);
  if (fixed) {
    return { service: SERVICES[fixed.service], path: join(from.path, segment), parent: from };
  }
  const parameterised = from.service.locators.find((locator) => locator.parameter);
  if (!parameterised || segment === "") return undefined;
  return {
    service: SERVICES[parameterised.service],
    path: join(from.path, segment),
    parent: from,
    id: segment,
  };
}

/** The location of decoded `segments` below the root, or `undefined` for an unknown path. */
export function resolve(segments: readonly string[]): Location | undefined {
  let location: Location | undefined = ROOT_LOCATION;
  for (const segment of segments) {
    location = step(location, segment);
    if (!location) return undefined;
  }
  return location;
}

/** The location of an API-relative path such as `vms/1a2/nics` (segments encoded). */
export function resolvePath(path: string): Location | undefined {
  if (path === "") return ROOT_LOCATION;
  try {
    return resolve(path.split("/").map(decodeURIComponent));
  } catch {
    return undefined;
  }
}

/** The struct type of the entity at `location` (reached by id), if it is one. */
export function typeAt(location: Location): string | undefined {
  return location.id !== undefined && location.parent
    ? entityType(location.parent.service, location.service)
    : undefined;
}

/** `path` plus one segment, percent-encoded. */
export function join(path: string, segment: string): string {
  const encoded = encodeURIComponent(segment);
  return path === "" ? encoded : `${path}/${encoded}`;
}

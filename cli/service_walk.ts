/**
 * Walks the service tree table along a path (`vms/123/nics`), as the connection walks the
 * service classes, to learn which model service answers there.
 *
 * @module
 */

import { ROOT_SERVICE, type ServiceMeta, SERVICES } from "./model.ts";

/** The model service at `path` below the API root, or `undefined` if there is none. */
export function serviceAt(path: string): ServiceMeta | undefined {
  let service = SERVICES[ROOT_SERVICE];
  for (const segment of path.split("/").filter((part) => part !== "")) {
    const locator = service.locators.find((candidate) => candidate.segment === segment) ??
      service.locators.find((candidate) => candidate.parameter !== undefined);
    if (!locator) return undefined;
    service = SERVICES[locator.service];
  }
  return service;
}

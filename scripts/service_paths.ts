/**
 * Where each service is reached: every path from the API root through the model's
 * locators, and how the docs write a path when a service has several.
 *
 * @module
 */

import type { ModelLocator, ModelService } from "./model_schema.ts";

/** One way of reaching a service from the API root. */
export interface ServiceRoute {
  /** Path pattern below the API root, `""` for the root: `/vms/{vm}/nics`. */
  path: string;
  /** The calls that lead there: `systemService().vmsService().vmService(id).nicsService()`. */
  chain: string;
  /** The service whose locator leads here, and that locator's segment: `VmService/nics`. */
  place?: string;
}

/** Every route of every service reachable from the root, shortest paths first. */
export function serviceRoutes(
  services: readonly ModelService[],
  locatorsOf: (service: string) => readonly ModelLocator[],
): Map<string, ServiceRoute[]> {
  const root = services.find((service) => service.root);
  if (!root) throw new Error("the model has no root service");
  const routes = new Map<string, ServiceRoute[]>();
  const visit = (name: string, route: ServiceRoute, above: ReadonlySet<string>): void => {
    routes.set(name, [...routes.get(name) ?? [], route]);
    for (const locator of locatorsOf(name)) {
      if (above.has(locator.service)) continue; // a loop would give endless paths
      const segment = locator.segment ?? `{${locator.name}}`;
      visit(locator.service, {
        path: `${route.path}/${segment}`,
        chain: `${route.chain}.${locator.tsName}(${locator.parameter ?? ""})`,
        place: `${name}/${segment}`,
      }, new Set([...above, locator.service]));
    }
  };
  visit(root.name, { path: "", chain: "systemService()" }, new Set([root.name]));
  for (const list of routes.values()) list.sort(byDepthThenPath);
  return routes;
}

function byDepthThenPath(a: ServiceRoute, b: ServiceRoute): number {
  const depth = a.path.split("/").length - b.path.split("/").length;
  return depth !== 0 ? depth : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * How the docs write the paths `paths` (patterns, `""` for the root): the path itself when
 * there is one; else the tail they share, as `.../permissions` (`...` stands for any of the
 * ways there), long enough to name a collection rather than just an id (`.../tags/{tag}`).
 * Paths that share no tail give one form each: `/storageconnections`,
 * `.../storageserverconnections`.
 */
export function pathForms(paths: readonly string[]): string[] {
  if (paths.length === 1) return [paths[0]];
  const split = paths.map((path) => path.split("/").slice(1));
  let shared = 0;
  while (
    split.every((segments) => segments.length > shared) &&
    split.every((segments) =>
      segments[segments.length - 1 - shared] === split[0][split[0].length - 1 - shared]
    )
  ) shared++;
  const forms = new Map<string, boolean>(); // tail → whether some path goes above it
  for (const segments of split) {
    let length = Math.max(shared, 1);
    if (segments[segments.length - length].startsWith("{")) length++;
    length = Math.min(length, segments.length);
    const tail = segments.slice(-length).join("/");
    forms.set(tail, (forms.get(tail) ?? false) || segments.length > length);
  }
  return [...forms].map(([tail, deeper]) => `${deeper ? "..." : ""}/${tail}`);
}

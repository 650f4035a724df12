/**
 * Where the service tree starts. The runtime imports no generated code: the generated root
 * service (`services/system.ts`, reached through `mod.ts`) registers how to make itself
 * here when it loads, as it registers the model's tables with the XML runtime.
 *
 * @module
 */

import { OvirtError } from "./errors.ts";
import type { Service, ServiceRuntime } from "./service.ts";

/** Makes the root service of a connection's runtime. */
export type RootServiceFactory = (runtime: ServiceRuntime) => Service;

let registered: RootServiceFactory | undefined;

/** Called by the generated root service: how to make the root of the service tree. */
export function registerRootService(factory: RootServiceFactory): void {
  registered = factory;
}

/** The root service over `runtime`, as the generated code registered it. */
export function rootService(runtime: ServiceRuntime): Service {
  if (registered === undefined) {
    throw new OvirtError(
      "No service tree is registered: import Connection from the SDK's mod.ts, which loads it",
    );
  }
  return registered(runtime);
}

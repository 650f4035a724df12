/**
 * Streaming a collection item by item, for inventories too large to hold at once.
 *
 * @example
 * ```ts
 * import { Connection, listStream } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * let running = 0;
 * for await (const vm of listStream(connection.systemService().vmsService())) {
 *   if (vm.status === "up") running++;
 * }
 * ```
 *
 * @module
 */

import { SERVICES } from "../services/metadata.ts";
import { OvirtError } from "../transport/errors.ts";
import { typeName } from "../transport/options.ts";
import { type CallOptions, Service, serviceRuntime } from "../transport/service.ts";

/** A collection service: a service with a `list` method. */
export type ListingService<T, O> = Service & { list(options?: O): Promise<T[]> };

/**
 * Yields the items `collection.list(options)` would resolve to, each as soon as it has
 * arrived, holding at most one in memory. Stopping the loop early cancels the download.
 * While the loop works on an item, the request lends its place under the connection's
 * `connections` cap to the calls the loop makes (they would otherwise wait for the loop).
 */
export function listStream<T, O extends CallOptions>(
  collection: ListingService<T, O>,
  options?: O,
): AsyncIterable<T> {
  const name = serviceName(collection);
  const spec = name === undefined
    ? undefined
    : SERVICES[name].methods.find((method) => method.name === "list");
  if (!spec) {
    const what = name ?? (collection instanceof Service ? "this service" : typeName(collection));
    throw new OvirtError(`listStream: ${what} is not a collection service with list()`);
  }
  return serviceRuntime(collection).stream(collection.path, spec, options) as AsyncIterable<T>;
}

/**
 * The name in {@link SERVICES} of the generated service class `service` is an instance of
 * (or of a subclass of), by the static `serviceName` each one carries: the class's own `name`
 * would not do, as minifying renames classes.
 */
function serviceName(service: unknown): string | undefined {
  if (!(service instanceof Service)) return undefined;
  const name = (service.constructor as { serviceName?: unknown }).serviceName;
  return typeof name === "string" && Object.hasOwn(SERVICES, name) ? name : undefined;
}

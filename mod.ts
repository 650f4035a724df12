/**
 * A Deno-native SDK for the oVirt Engine REST API (v4): typed services generated
 * from the API model over a `fetch` transport, with a streaming XML reader.
 *
 * @example
 * ```ts
 * import { Connection, types } from "@ovirt/sdk";
 *
 * await using connection = new Connection({
 *   url: "https://engine.example.com/ovirt-engine/api",
 *   username: "admin@internal",
 *   password: "secret",
 *   caFile: "ca.pem",
 * });
 * const vms = await connection.systemService().vmsService().list({ search: "name=web*" });
 * for (const vm of vms) console.log(vm.name, vm.status === types.VmStatus.UP);
 * ```
 *
 * @module
 */

export * as types from "./types/mod.ts";
export * as services from "./services/mod.ts";
/** The `<fault>` an error carries (also available as `types.Fault`). */
export type { Fault } from "./types/fault.ts";
export {
  AuthError,
  ConnectionError,
  NotFoundError,
  OvirtError,
  type OvirtErrorOptions,
  TimeoutError,
} from "./transport/errors.ts";
export {
  type CallOptions,
  type MethodSpec,
  type ParamSpec,
  Service,
  type ServiceRuntime,
} from "./transport/service.ts";
export type { ValueKind } from "./transport/xml/metadata.ts";

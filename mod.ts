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

export { Connection } from "./services/connection.ts";
export {
  BaseConnection,
  type ConnectionOptions,
  DEFAULT_CONNECTIONS,
  type EngineVersion,
  type Link,
  type SignalOption,
  type TransferRequest,
  type TransferResponse,
} from "./transport/connection.ts";
export { fromXml, toXml } from "./transport/xml/mod.ts";
export * as types from "./types/mod.ts";
export * as services from "./services/mod.ts";
export {
  AuthError,
  ConflictError,
  ConnectionError,
  type ConnectionErrorOptions,
  NotFoundError,
  OvirtError,
  type OvirtErrorOptions,
  type ServerFault,
  TimeoutError,
} from "./transport/errors.ts";
export {
  type BackoffOptions,
  DEFAULT_LOCK_WAIT,
  DEFAULT_RETRY,
  type RetryOptions,
} from "./transport/retry.ts";
export {
  type CallOptions,
  type MethodSpec,
  type ParamSpec,
  Service,
  type ServiceRuntime,
} from "./transport/service.ts";
export type { ValueKind } from "./transport/xml/metadata.ts";
export {
  type StatusSource,
  waitFor,
  type WaitForOptions,
  waitForStatus,
  type WaitForStatusOptions,
  type WaitOptions,
} from "./helpers/wait.ts";
export {
  allItems,
  type PageableCollection,
  type PageListOptions,
  type PageOptions,
  pages,
} from "./helpers/paging.ts";
export {
  type EventListOptions,
  type EventSource,
  followEvents,
  type FollowEventsOptions,
} from "./helpers/events.ts";
export {
  type JobListOptions,
  type JobsRoot,
  type JobsSource,
  waitForJobs,
  type WaitForJobsOptions,
} from "./helpers/jobs.ts";
export {
  type SearchComparison,
  type SearchCondition,
  type SearchJunction,
  type SearchOperator,
  type SearchQuery,
  searchQuery,
  type SearchQueryOptions,
  type SearchValue,
  where,
} from "./helpers/search.ts";
export { findByName, type SearchableCollection } from "./helpers/find.ts";
export { connectionOptionsFromEnv } from "./helpers/options_from_env.ts";
export {
  type OwnScriptFlags,
  type ScriptArgs,
  scriptArgs,
  type ScriptFlag,
  type ScriptFlagValue,
  type ScriptValues,
} from "./helpers/script_args.ts";
export { type ListingService, listStream } from "./helpers/stream.ts";
export {
  downloadDisk,
  type ImageTransferOptions,
  type SessionOptions,
  type TransferProgress,
  type TransferStats,
  uploadDisk,
} from "./helpers/image_transfer.ts";
export {
  uploadImage,
  type UploadImageOptions,
  type UploadImageResult,
} from "./helpers/image_upload.ts";
export {
  downloadImage,
  type DownloadImageOptions,
  type DownloadImageResult,
} from "./helpers/image_download.ts";
export { type ImageInfo, probeImage } from "./helpers/image_format.ts";
export type { MapMethod } from "./helpers/transfer/holes.ts";
export type { VerifyMode } from "./helpers/transfer/verify.ts";
export { progressBar, type ProgressOutput } from "./helpers/progress.ts";
/*
 * Every model type and service class is also exported by name, as a type only, so that
 * `import type { Vm, VmsService } from "@ovirt/sdk"` works; the values (enum objects,
 * classes) stay in the `types` and `services` namespaces.
 */
export type * from "./services/mod.ts";
export type * from "./types/mod.ts";

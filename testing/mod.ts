/**
 * An oVirt engine simulator for tests, examples and demos: a real HTTP(S) server on
 * loopback that speaks the engine's SSO and REST API, generated from the same model as
 * the SDK, with a seeded inventory, status lifecycles, search, image transfers and fault
 * injection.
 *
 * @example
 * ```ts
 * import { startSimulator } from "@ovirt/sdk/testing";
 *
 * await using sim = await startSimulator({ tls: true, delay: 0 });
 * console.log(sim.url, sim.username); // https://127.0.0.1:40123/ovirt-engine/api admin@internal
 * ```
 *
 * @module
 */

import "../types/register.ts";

export { type Simulator, type SimulatorOptions, startSimulator } from "./simulator.ts";
export type { FaultOptions } from "./faults.ts";
export type { ProxyStatus } from "./proxy_pages.ts";
export type { SsoErrorShape } from "./auth.ts";
export type { ImageTraffic, TransferQuirks, TransferStop } from "./transfer_quirks.ts";
export type { TlsMaterial } from "./tls.ts";

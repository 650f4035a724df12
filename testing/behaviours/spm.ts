/**
 * The SPM role of a data center's hosts: a host leaving `up` for maintenance gives it up at
 * once (the engine resets the pool's SPM when an SPM host changes status), and a step later
 * the pool's monitoring elects another: the `up` host of the data center with the highest
 * SPM priority (never one whose priority is -1), once the data center is `up`. A host that
 * comes up in a data center left without an SPM is elected the same way.
 *
 * @module
 */

import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { change } from "./lifecycle.ts";

/** The SPM priority that keeps a host from ever being elected (the engine's minimum). */
const NEVER = -1;

/** The host's SPM settings. */
function spmOf(host: Entity): { status?: string; priority?: number } {
  return (host.spm as { status?: string; priority?: number } | undefined) ?? {};
}

/** The id of the data center of `host` (through its cluster), if any. */
function dataCenterOf(engine: Engine, host: Entity): string | undefined {
  const cluster = engine.store.get("clusters", (host.cluster as Reference | undefined)?.id ?? "");
  return (cluster?.dataCenter as Reference | undefined)?.id;
}

/** The hosts of data center `dcId`. */
function hostsIn(engine: Engine, dcId: string): Entity[] {
  return engine.store.items("hosts").filter((host) => dataCenterOf(engine, host) === dcId);
}

/**
 * Makes the best `up` host of data center `dcId` its SPM, unless the data center is not
 * `up` or has an SPM (or one contending) already.
 */
function elect(engine: Engine, dcId: string): void {
  if (engine.store.get("datacenters", dcId)?.status !== "up") return;
  const hosts = hostsIn(engine, dcId);
  if (hosts.some((host) => (spmOf(host).status ?? "none") !== "none")) return;
  const candidates = hosts.filter((host) =>
    host.status === "up" && (spmOf(host).priority ?? 0) > NEVER
  );
  const best = candidates.reduce<Entity | undefined>(
    (chosen, host) =>
      chosen && (spmOf(chosen).priority ?? 0) >= (spmOf(host).priority ?? 0) ? chosen : host,
    undefined,
  );
  if (best) change(engine, "hosts", best.id, { spm: { ...spmOf(best), status: "spm" } });
}

/** Elects an SPM for the data center of `host` one step from now, if it has none then. */
export function electSpmLater(engine: Engine, host: Entity): void {
  const dcId = dataCenterOf(engine, host);
  if (dcId !== undefined) engine.clock.after(1, () => elect(engine, dcId));
}

/**
 * Takes the SPM role from host `hostId` as it leaves `up` (`SetVdsStatusVDSCommand`'s reset
 * of the pool's SPM); another host of its data center is elected a step later.
 */
export function releaseSpm(engine: Engine, hostId: string): void {
  const host = engine.store.get("hosts", hostId);
  if (!host || (spmOf(host).status ?? "none") === "none") return;
  change(engine, "hosts", hostId, { spm: { ...spmOf(host), status: "none" } });
  electSpmLater(engine, host);
}

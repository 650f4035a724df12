/**
 * The engine's inactivity timeout of image transfers: the engine polls its transfers and
 * stops one whose ticket has been idle longer than its `inactivity_timeout`
 * (`TransferDiskImageCommand.stopTransferIfNecessary`), whether or not anybody uses the
 * ticket again, so that a killed client leaves its disk locked for that long only. How it
 * stops follows `timeout_policy`: `legacy` cancels a download (`cancelled_system`, the disk
 * back `ok`) and pauses an upload (`paused_system`), `pause` pauses and `cancel` cancels
 * either. The simulator watches each transfer in progress with a timer that neither keeps
 * the process alive nor keeps a stopped simulator's engine in memory.
 *
 * @module
 */

import { ACTIVE_PHASES, stopTransfer } from "./behaviours/transfer_ends.ts";
import type { Engine } from "./engine.ts";
import type { Entity } from "./store.ts";

/** Hidden property: when the data plane last saw a request for the transfer (ms since epoch). */
export const LAST_ACTIVITY = "$lastActivity";

/** The engine's default `inactivity_timeout`, in seconds. */
export const DEFAULT_INACTIVITY_TIMEOUT = 60;

/** How many data requests of each transfer are in progress, by engine and transfer id. */
const inProgress = new WeakMap<Engine, Map<string, number>>();

/**
 * Notes that a request to transfer `transferId`'s ticket is in progress until the function
 * returned is called (once is enough): as imageio, a ticket with a request in progress is not
 * idle, however slowly its body moves.
 */
export function requestBegins(engine: Engine, transferId: string): () => void {
  let counts = inProgress.get(engine);
  if (!counts) inProgress.set(engine, counts = new Map());
  counts.set(transferId, (counts.get(transferId) ?? 0) + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    const left = (counts.get(transferId) ?? 1) - 1;
    if (left > 0) counts.set(transferId, left);
    else counts.delete(transferId);
    // Idle from now on, not since the request began.
    const transfer = engine.store.get("imagetransfers", transferId);
    if (transfer) engine.store.put("imagetransfers", { ...transfer, [LAST_ACTIVITY]: Date.now() });
  };
}

/** The longest delay a timer takes, in milliseconds (a longer one fires at once). */
const LONGEST_TIMER = 2 ** 31 - 1;

/** The watch timer of each transfer, by engine and transfer id. */
const watches = new WeakMap<Engine, Map<string, ReturnType<typeof setTimeout>>>();

/**
 * Stops transfer `transferId` as its policy says if it is in progress and has been idle
 * longer than its `inactivity_timeout`; tells whether it did.
 */
export function stopIfIdle(engine: Engine, transferId: string, now = Date.now()): boolean {
  const transfer = engine.store.get("imagetransfers", transferId);
  if (!transfer || !ACTIVE_PHASES.has(transfer.phase as string)) return false;
  if (timeoutOf(transfer) <= 0) return false; // 0: no timeout
  if (inProgress.get(engine)?.has(transferId)) return false; // a request in progress
  const idle = now - ((transfer[LAST_ACTIVITY] as number | undefined) ?? now);
  if (idle <= timeoutOf(transfer)) return false;
  const reason = `the transfer was inactive for ${Math.round(idle / 1000)} s`;
  stopTransfer(engine, transferId, stopOnTimeout(transfer), reason);
  return true;
}

/**
 * Watches transfer `transferId` (just created or resumed) until it leaves the phases of a
 * transfer starting or in progress, stopping it once it has been idle too long. Each check
 * first applies the lifecycle steps that are due, as a request would.
 */
export function watchInactivity(engine: Engine, transferId: string): void {
  const engines = new WeakRef(engine);
  let timers = watches.get(engine);
  if (!timers) watches.set(engine, timers = new Map());
  const arm = (delay: number) => {
    clearTimeout(timers.get(transferId));
    // At most what a timer holds (some 24 days): a longer timeout is checked again then.
    const timer = setTimeout(check, Math.min(delay, LONGEST_TIMER));
    Deno.unrefTimer(timer);
    timers.set(transferId, timer);
  };
  const check = () => {
    const engine = engines.deref();
    engine?.clock.advance();
    const transfer = engine?.store.get("imagetransfers", transferId);
    if (!engine || !transfer || stopIfIdle(engine, transferId)) return void forget();
    if (!WATCHED_PHASES.has(transfer.phase as string)) return void forget();
    const idle = Date.now() - ((transfer[LAST_ACTIVITY] as number | undefined) ?? Date.now());
    arm(Math.max(1, timeoutOf(transfer) - idle + 1));
  };
  const forget = () => timers.delete(transferId);
  const transfer = engine.store.get("imagetransfers", transferId);
  if (transfer && timeoutOf(transfer) > 0) arm(timeoutOf(transfer) + 1);
}

/** Phases of a transfer starting or in progress (a paused one is watched again on resume). */
const WATCHED_PHASES: ReadonlySet<string> = new Set(["initializing", ...ACTIVE_PHASES]);

/** The transfer's inactivity timeout in milliseconds. */
function timeoutOf(transfer: Entity): number {
  return ((transfer.inactivityTimeout as number | undefined) ?? DEFAULT_INACTIVITY_TIMEOUT) * 1000;
}

/** How the engine stops an idle transfer, by its `timeout_policy` and direction. */
function stopOnTimeout(transfer: Entity): "paused_system" | "cancelled_system" {
  switch (transfer.timeoutPolicy) {
    case "pause":
      return "paused_system";
    case "cancel":
      return "cancelled_system";
    default: // legacy: a download is the client's, so cancelled; an upload waits for it
      return transfer.direction === "download" ? "cancelled_system" : "paused_system";
  }
}

/**
 * How an image transfer ends, as the engine does it: finalized (`finalizing_success`,
 * then `finished_success`, or `finished_failure` when verification fails), paused by the
 * system (`paused_system`), cancelled by the system (`cancelled_system`) or by a user from
 * any session (`cancelled_user`), each shown for a few lifecycle steps before
 * `finalizing_cleanup` (a user's) or `finalizing_failure` (the system's) and
 * `finished_failure`, or failed outright (`finalizing_failure`, `finished_failure`). Every
 * stop logs an event saying why; at the end the disk is unlocked: `illegal` after an upload
 * that did not succeed, as the engine leaves it (with its new sizes after a successful one),
 * unless the transfer found it locked (a backup's transfer: the backup holds its disks until
 * the backup ends), in which case its end leaves the disk as it is.
 *
 * @module
 */

import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import {
  CANCELLED_BY_USER_CODE,
  FAILED_CODE,
  STOPPED_BY_SYSTEM_CODE,
  stoppedBySystem,
  type TransferStop,
} from "../transfer_quirks.ts";
import { change, type Step, transition } from "./lifecycle.ts";

/** Phases in which bytes may move. */
export const ACTIVE_PHASES: ReadonlySet<string> = new Set(["transferring", "resuming"]);

/** Hidden property: the `correlation_id` the transfer was created with (its events carry it). */
export const CORRELATION = "$correlation";

/**
 * Hidden property: `true` when the transfer's disk was already locked when it began (by the
 * backup it reads for, or another operation): the lock is not the transfer's to undo.
 */
export const FOUND_LOCKED = "$foundLocked";

/**
 * Lifecycle steps a cancelled transfer stays `cancelled_system` or `cancelled_user` before
 * `finalizing_failure` (the engine notices a cancellation at its next poll of the transfer).
 */
const CANCELLED_STEPS = 3;

/**
 * The system stops transfer `id` (`paused_system`; the daemon refuses it meanwhile) and
 * logs why, as the engine does, in an event with the transfer's correlation id.
 */
export function pauseBySystem(engine: Engine, id: string, reason: string): void {
  const paused = change(engine, "imagetransfers", id, { phase: "paused_system", active: false });
  if (paused) logAbout(engine, paused, STOPPED_BY_SYSTEM_CODE, stoppedBySystem(reason), "error");
}

/**
 * The system stops transfer `id` while it is still `initializing` (its host refused the
 * ticket), as the engine does: an upload `paused_system`, a download `cancelled_system` and
 * then `finished_failure`; an event says why (`reason`).
 */
export function stopBeforeStart(engine: Engine, id: string, reason: string): void {
  const current = engine.store.get("imagetransfers", id);
  if (current?.phase !== "initializing") return;
  if (current.direction !== "download") return pauseBySystem(engine, id, reason);
  logAbout(engine, current, STOPPED_BY_SYSTEM_CODE, stoppedBySystem(reason), "error");
  endTransfer(engine, current, { success: false, stoppedAs: "cancelled_system" });
}

/**
 * The engine stops transfer `id` while bytes move, if it is still active: the system
 * pauses it (`paused_system`) or cancels it (`cancelled_system`), a user cancels it from
 * another session (`cancelled_user`), or it fails (`finished_failure`). The daemon refuses
 * the ticket from then on; an event says why (`reason`; a user gives none).
 */
export function stopTransfer(engine: Engine, id: string, how: TransferStop, reason: string): void {
  const current = engine.store.get("imagetransfers", id);
  if (!current || !ACTIVE_PHASES.has(current.phase as string)) return;
  if (how === "paused_system") return pauseBySystem(engine, id, reason);
  if (how === "cancelled_user") return cancelByUser(engine, current, "another-session");
  if (how === "cancelled_system") {
    logAbout(engine, current, STOPPED_BY_SYSTEM_CODE, stoppedBySystem(reason), "error");
  } else {
    const description = `${imageAction(engine, current)} failed. Reason: ${reason}.`;
    logAbout(engine, current, FAILED_CODE, description, "error");
  }
  endTransfer(engine, current, { success: false, stoppedAs: how });
}

/**
 * A user cancels `transfer` (the `cancel` action, from any session): `cancelled_user`, with
 * an event carrying the correlation id of the request that cancelled it.
 */
export function cancelByUser(engine: Engine, transfer: Entity, correlationId: string): void {
  const description = `${imageAction(engine, transfer)} was cancelled by a user.`;
  logAbout(engine, transfer, CANCELLED_BY_USER_CODE, description, "warning", correlationId);
  endTransfer(engine, transfer, { success: false, stoppedAs: "cancelled_user" });
}

/**
 * Ends `transfer`: finalized (`success`), or stopped (`stoppedAs`: the cancelled phases are
 * shown for a few steps first), through the engine's phases: a user's cancel goes through
 * `finalizing_cleanup` and `finished_cleanup` to `finished_failure`, a system's cancel or a
 * failure through `finalizing_failure`, and an upload whose verification fails from
 * `finalizing_success` to `finalizing_failure`. Once cleaned up the disk is unlocked: an
 * upload that did not succeed leaves it `illegal`, else it is `ok`, with its new sizes after
 * a successful upload (a disk the transfer found locked is left as it is); an engine before
 * 4.4.7 (quirk `forgetFinished`) then forgets the transfer.
 */
export function endTransfer(
  engine: Engine,
  transfer: Entity,
  how: { success: boolean; stoppedAs?: TransferStop },
): void {
  const { quirks } = engine.images;
  const upload = transfer.direction !== "download";
  const failed = how.success && upload && quirks.failVerification === true;
  const succeeded = how.success && !failed;
  const diskId = (transfer.disk as Reference | undefined)?.id;
  const unlock = (ended: Entity) => {
    if (!CLEANED_UP.has(ended.phase as string)) return;
    if (quirks.forgetFinished && ended.phase !== "finished_cleanup") {
      engine.store.delete("imagetransfers", ended.id);
    }
    const disk = diskId === undefined ? undefined : engine.store.get("disks", diskId);
    if (!disk || transfer[FOUND_LOCKED] === true) return;
    if (upload && !succeeded) return void change(engine, "disks", disk.id, { status: "illegal" });
    const image = engine.images.of(disk.id);
    const written = image.end;
    // Raw data past the end grows the disk; a qcow2 file's bytes do not say its guest size.
    const provisioned = transfer.format === "cow"
      ? disk.provisionedSize
      : Math.max((disk.provisionedSize as number | undefined) ?? 0, written);
    const actual = Math.min(image.allocated, written);
    const sizes = succeeded && upload
      ? { provisionedSize: provisioned, actualSize: actual, totalSize: actual }
      : {};
    change(engine, "disks", disk.id, { status: "ok", ...sizes });
  };
  const finished = { phase: succeeded ? "finished_success" : "finished_failure", active: false };
  const held: Step[] = Array(CANCELLED_STEPS - 1).fill({});
  const [now, later]: [Record<string, unknown>, Step[]] = how.stoppedAs === "cancelled_user"
    ? [{ phase: "cancelled_user" }, [
      ...held,
      { phase: "finalizing_cleanup" },
      { phase: "finished_cleanup" },
      finished,
    ]]
    : how.stoppedAs === "cancelled_system"
    ? [{ phase: "cancelled_system" }, [...held, { phase: "finalizing_failure" }, finished]]
    : failed
    ? [{ phase: "finalizing_success" }, [{ phase: "finalizing_failure" }, finished]]
    : [{ phase: how.success ? "finalizing_success" : "finalizing_failure" }, [finished]];
  transition(engine, "imagetransfers", transfer.id, { ...now, active: false }, later, unlock);
}

/** Phases at which the engine has cleaned up after a transfer (the disk is unlocked). */
const CLEANED_UP: ReadonlySet<string> = new Set([
  "finished_success",
  "finished_cleanup",
  "finished_failure",
]);

/** "Image Upload of disk NAME" or "Image Download of disk NAME", as the engine's events say. */
function imageAction(engine: Engine, transfer: Entity): string {
  const disk = engine.store.get("disks", (transfer.disk as Reference | undefined)?.id ?? "");
  const kind = transfer.direction === "download" ? "Download" : "Upload";
  return `Image ${kind} of disk ${disk?.name ?? "(gone)"}`;
}

/**
 * Logs an event about `transfer` with `description`, naming its disk, with the transfer's
 * correlation id (or `correlationId`, that of the request that caused it).
 */
function logAbout(
  engine: Engine,
  transfer: Entity,
  code: number,
  description: string,
  severity: "warning" | "error",
  correlationId = transfer[CORRELATION] as string | undefined,
): void {
  const disk = engine.store.get("disks", (transfer.disk as Reference | undefined)?.id ?? "");
  const event = engine.event(code, description, {}, severity, correlationId);
  engine.store.put("events", {
    ...event,
    customData: disk ? `disk ${disk.name} (${disk.id})` : undefined,
  });
}

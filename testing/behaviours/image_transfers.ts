/**
 * Image transfers: `initializing`, then `transferring` with `transfer_url`/`proxy_url` pointing at
 * the simulator's own `/images/{ticket}` (see `images.ts`; the ticket is a random id of its own,
 * not the transfer's, as the engine makes it): `proxy_url` where the API answers, `transfer_url` at
 * the daemon's own address when it has one (over plain HTTP, the server behind the front, as a host
 * is reached without the engine); the disk is locked meanwhile (a backup's transfer finds it
 * locked by the backup, and its end leaves it so). A transfer without `format` takes
 * its disk's (what it moves by format: `transfer_volume.ts`); what the engine refuses to transfer,
 * it refuses (`transfer_checks.ts`); one left idle is stopped (`transfer_inactivity.ts`), and
 * so is one for a live backup of a disk the backup does not cover, once created.
 * `finalize` ends `finished_success` (disk `ok`, sizes updated; not while `initializing`), `cancel`
 * (from any session) `cancelled_user` and then, through the cleanup phases, `finished_failure` (an
 * upload's disk `illegal`), `pause` (a transfer in progress) and `resume` (a paused one) as the
 * engine does; a transfer that has ended refuses them all (how transfers end: `transfer_ends.ts`).
 * A download of a disk snapshot (`snapshot`) reads the bytes its layer froze. The quirks of
 * `transfer_quirks.ts` make it behave like older engines or unlucky hosts.
 *
 * @module
 */

import { conflict, notFound } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { frozenLayer } from "./disk_snapshots.ts";
import { change, transition } from "./lifecycle.ts";
import { backupExposes } from "./backup_transfer_checks.ts";
import { checkTransferable } from "./transfer_checks.ts";
import {
  cancelByUser,
  CORRELATION,
  endTransfer,
  FOUND_LOCKED,
  stopBeforeStart,
} from "./transfer_ends.ts";
import {
  DEFAULT_INACTIVITY_TIMEOUT,
  LAST_ACTIVITY,
  watchInactivity,
} from "../transfer_inactivity.ts";
import { prepareVolume, type TransferShape } from "../transfer_volume.ts";

/**
 * Hidden (non-model) properties of a transfer of a disk snapshot's frozen layer: the id
 * of its bytes in the image store, and its size (else: the disk's bytes and size).
 */
export const LAYER_IMAGE = "$image";
export const LAYER_SIZE = "$size";
/** Hidden property: the id of the transfer's imageio ticket (the path below `/images/`). */
export const TICKET = "$ticket";

/**
 * What transfer `transfer` of disk `disk` moves: its format (a backup's moves the guest's bytes
 * whatever its format says, through imageio's NBD backend), direction, image and guest size.
 */
export function transferShape(transfer: Entity, disk: Entity): TransferShape {
  return {
    format: transfer.backup === undefined ? String(transfer.format) : "raw",
    upload: transfer.direction !== "download",
    imageId: (transfer[LAYER_IMAGE] as string | undefined) ?? disk.id,
    guestSize: (transfer[LAYER_SIZE] as number | undefined) ??
      (disk.provisionedSize as number | undefined) ?? 0,
  };
}

/** The disk a transfer body names (by disk, image or snapshot), and the frozen layer if any. */
function diskOf(engine: Engine, body: Record<string, unknown>): { disk: Entity; layer?: Entity } {
  const named = (body.disk ?? body.image ?? body.snapshot) as { id?: string };
  const layer = body.disk ? undefined : frozenLayer(engine, named.id!);
  const disk = body.disk
    ? engine.store.get("disks", named.id!)
    : layer
    ? engine.store.get("disks", (layer.disk as Reference).id)
    : engine.store.find("disks", (entity) => entity.imageId === named.id || entity.id === named.id);
  if (!disk) throw notFound(`Disk: id=${named.id}`);
  return { disk, layer };
}

const transfers: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const { disk, layer } = diskOf(engine, body);
    if (layer && body.direction !== "download") {
      throw conflict("Cannot transfer Virtual Disk: a disk snapshot can only be downloaded.");
    }
    // The engine takes a transfer naming a backup without an id for a plain one.
    const backup = (body.backup as { id?: string } | undefined)?.id;
    checkTransferable(engine, disk, { backup, layer: !!layer, format: body.format });
    const id = engine.newId();
    const ticket = engine.newId(); // the engine's imageio ticket: a random id of its own
    const url = `${call.origin}/images/${ticket}`;
    const daemon = new URL(`${engine.images.daemonOrigin ?? call.origin}/images/${ticket}`);
    if (engine.images.quirks.unreachableHost) daemon.port = String(engine.images.deadPort);
    const host = engine.store.find("hosts", (entity) => entity.status === "up");
    const transfer: Entity = {
      direction: "upload",
      // Without `format`, the disk's own (the engine's `getTransferImageFormat`).
      format: (layer ?? disk).format ?? "raw",
      inactivityTimeout: DEFAULT_INACTIVITY_TIMEOUT,
      timeoutPolicy: "legacy",
      shallow: false,
      ...body,
      id,
      phase: "initializing",
      active: false,
      transferred: 0,
      transferUrl: daemon.href,
      proxyUrl: url,
      disk: engine.referenceTo("disks", disk.id),
      backup: backup === undefined ? undefined : { id: backup },
      image: undefined,
      snapshot: layer ? { id: layer.id } : undefined,
      host: host ? engine.referenceTo("hosts", host.id) : undefined,
      [LAYER_IMAGE]: layer?.id,
      [LAYER_SIZE]: layer?.provisionedSize,
      [CORRELATION]: call.correlationId, // the header's or the query's, else a random one
      [FOUND_LOCKED]: disk.status === "locked",
      [LAST_ACTIVITY]: Date.now(),
      [TICKET]: ticket,
    };
    prepareVolume(engine, disk, transferShape(transfer, disk));
    engine.store.put("imagetransfers", transfer);
    transition(engine, "disks", disk.id, { status: "locked" });
    if (backup !== undefined && !backupExposes(engine, backup, disk.id)) {
      const stop = () => stopBeforeStart(engine, id, "failed to add host image ticket");
      return transition(engine, "imagetransfers", id, {}, [{}], stop);
    }
    const started = transition(engine, "imagetransfers", id, {}, [
      { phase: "transferring", active: true },
    ]);
    watchInactivity(engine, id);
    return started;
  },
};

/**
 * Finalizes the transfer (through `finalizing_success`) unless it has already ended or is
 * still `initializing` (nothing can have been sent yet).
 */
function finalize(call: Call, transfer?: Entity): void {
  checkNotEnded(transfer!, "finalize");
  if (transfer!.phase === "initializing") {
    throw conflict("Cannot finalize Image Transfer. The transfer is still initializing.");
  }
  endTransfer(call.engine, transfer!, { success: true });
}

/** Refuses `what` on a transfer that has ended or is on its way to `finished_failure`. */
function checkNotEnded(transfer: Entity, what: string): void {
  if (ENDED.has(transfer.phase as string) || FAILING.has(transfer.phase as string)) {
    throw conflict(`Cannot ${what} Image Transfer. The transfer has already ended.`);
  }
}

/** A user pauses an upload in progress (`paused_user`); a download is the client's to pause. */
function pause(call: Call, transfer?: Entity): void {
  checkNotEnded(transfer!, "pause");
  if (transfer!.direction === "download") {
    throw conflict(
      "Cannot pause image download as it's handled by the client. " +
        "Note that it can be canceled if you wish to stop it.",
    );
  }
  if (!PAUSABLE.has(transfer!.phase as string)) {
    throw conflict(`Cannot pause Image Transfer. The transfer is ${transfer!.phase}.`);
  }
  change(call.engine, "imagetransfers", transfer!.id, { phase: "paused_user" });
}

/** Resumes a paused transfer (`resuming`, then `transferring`). */
function resume(call: Call, transfer?: Entity): void {
  checkNotEnded(transfer!, "resume");
  if (!PAUSED.has(transfer!.phase as string)) {
    throw conflict("Cannot resume Image Transfer. The transfer is not paused.");
  }
  const resumed = [{ phase: "transferring" }];
  const now = { phase: "resuming", [LAST_ACTIVITY]: Date.now() };
  transition(call.engine, "imagetransfers", transfer!.id, now, resumed);
  watchInactivity(call.engine, transfer!.id);
}

/**
 * A user cancels the transfer (`cancelled_user`, from this request's session); a transfer
 * already on its way to `finished_failure` stays as it is.
 */
function cancel(call: Call, transfer?: Entity): void {
  if (ENDED.has(transfer!.phase as string)) {
    throw conflict("Cannot cancel Image Transfer. The transfer has already ended.");
  }
  if (FAILING.has(transfer!.phase as string)) return;
  cancelByUser(call.engine, transfer!, call.correlationId);
}

/** Phases of a transfer that has ended. */
const ENDED: ReadonlySet<string> = new Set(["finished_success", "finished_failure"]);
/** Phases of a transfer on its way to `finished_failure`. */
const FAILING: ReadonlySet<string> = new Set([
  "cancelled_system",
  "cancelled_user",
  "finalizing_failure",
  "finalizing_cleanup",
  "finished_cleanup",
]);
/** Phases of a transfer a user can pause. */
const PAUSABLE: ReadonlySet<string> = new Set(["transferring", "resuming"]);
/** Phases of a paused transfer. */
const PAUSED: ReadonlySet<string> = new Set(["paused_user", "paused_system"]);

const transfer: Behaviour = {
  actions: {
    finalize,
    cancel,
    pause,
    resume,
  },
};

/** Behaviours of the image transfer services, by service name. */
export const IMAGE_TRANSFER_BEHAVIOURS: Record<string, Behaviour> = {
  ImageTransfersService: transfers,
  ImageTransferService: transfer,
};

/**
 * What an engine that recently took an upload shows, for the seeded inventory: the
 * finished (`finished_success`) upload into disk `diskId` through an `up` host.
 */
export function seedFinishedUpload(engine: Engine, diskId: string): void {
  const disk = engine.store.get("disks", diskId);
  const host = engine.store.find("hosts", (entity) => entity.status === "up");
  engine.store.put("imagetransfers", {
    id: engine.newId(),
    direction: "upload",
    format: "raw",
    inactivityTimeout: 60,
    timeoutPolicy: "legacy",
    shallow: false,
    phase: "finished_success",
    active: false,
    transferred: (disk?.actualSize as number | undefined) ?? 0,
    disk: engine.referenceTo("disks", diskId),
    host: host ? engine.referenceTo("hosts", host.id) : undefined,
  });
}

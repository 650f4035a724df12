/**
 * Image transfers: `initializing`, then `transferring` with `transfer_url`/`proxy_url`
 * pointing at the simulator's own `/images/{id}` (see `images.ts`); the disk is locked
 * meanwhile. `finalize` ends `finished_success` (disk `ok`, sizes updated), `cancel`
 * `finished_failure`; `pause`/`resume` as the engine does; the system pauses a transfer
 * (`paused_system`, with an event giving the reason) when it is idle longer than its
 * `inactivity_timeout`. A download of a disk snapshot (`snapshot`) reads the bytes its
 * layer froze. The quirks of `transfer_quirks.ts` make it behave like older engines or
 * unlucky hosts.
 *
 * @module
 */

import { conflict, notFound } from "../answers.ts";
import type { ActionHandler, Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { frozenLayer } from "./disk_snapshots.ts";
import { change, transition } from "./lifecycle.ts";
import { STOPPED_BY_SYSTEM_CODE, stoppedBySystem } from "../transfer_quirks.ts";

/** Phases in which bytes may move. */
export const ACTIVE_PHASES = new Set(["transferring", "resuming"]);

/**
 * Hidden (non-model) properties of a transfer of a disk snapshot's frozen layer: the id
 * of its bytes in the image store, and its size (else: the disk's bytes and size).
 */
export const LAYER_IMAGE = "$image";
export const LAYER_SIZE = "$size";
/** Hidden property: the `correlation_id` the transfer was created with (its events carry it). */
const CORRELATION = "$correlation";
/** Hidden property: when the data plane last saw a request for the transfer (ms since epoch). */
export const LAST_ACTIVITY = "$lastActivity";

/**
 * The system stops transfer `id` (`paused_system`; the daemon refuses it meanwhile) and
 * logs why, as the engine does, in an event with the transfer's correlation id.
 */
export function pauseBySystem(engine: Engine, id: string, reason: string): void {
  const paused = change(engine, "imagetransfers", id, { phase: "paused_system", active: false });
  const disk = engine.store.get("disks", (paused?.disk as Reference | undefined)?.id ?? "");
  const event = engine.event(STOPPED_BY_SYSTEM_CODE, stoppedBySystem(reason), {}, "error");
  engine.store.put("events", {
    ...event,
    correlationId: paused?.[CORRELATION],
    customData: disk ? `disk ${disk.name} (${disk.id})` : undefined,
  });
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
    if (disk.status === "locked") {
      throw conflict("Cannot transfer Virtual Disk: Disk is locked. Please try again later.");
    }
    const id = engine.newId();
    const url = `${call.origin}/images/${id}`;
    const daemon = new URL(url);
    if (engine.images.quirks.unreachableHost) daemon.port = String(engine.images.deadPort);
    const host = engine.store.find("hosts", (entity) => entity.status === "up");
    engine.store.put("imagetransfers", {
      direction: "upload",
      format: "raw",
      inactivityTimeout: 60,
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
      image: undefined,
      snapshot: layer ? { id: layer.id } : undefined,
      host: host ? engine.referenceTo("hosts", host.id) : undefined,
      [LAYER_IMAGE]: layer?.id,
      [LAYER_SIZE]: layer?.provisionedSize,
      [CORRELATION]: call.query.get("correlation_id") ?? undefined,
      [LAST_ACTIVITY]: Date.now(),
    });
    transition(engine, "disks", disk.id, { status: "locked" });
    return transition(engine, "imagetransfers", id, {}, [{ phase: "transferring", active: true }]);
  },
};

/** Ends the transfer (through `finalizing_*`) and unlocks its disk, with sizes on success. */
function finish(success: boolean): ActionHandler {
  return (call, transfer) => {
    const { engine } = call;
    if (transfer!.phase === "finished_success" || transfer!.phase === "finished_failure") {
      throw conflict("Cannot finalize Image Transfer. The transfer has already ended.");
    }
    const { quirks } = engine.images;
    const diskId = (transfer!.disk as Reference | undefined)?.id;
    const failed = success && transfer!.direction !== "download" && quirks.failVerification;
    const unlock = (ended: Entity) => {
      // An engine before 4.4.7 forgets the transfer as soon as it has ended.
      if (quirks.forgetFinished) engine.store.delete("imagetransfers", ended.id);
      const disk = diskId === undefined ? undefined : engine.store.get("disks", diskId);
      if (!disk) return;
      if (failed) return void change(engine, "disks", disk.id, { status: "illegal" });
      const image = engine.images.of(disk.id);
      const written = image.end;
      // Raw data past the end grows the disk; a qcow2 file's bytes do not say its guest size.
      const provisioned = transfer!.format === "cow"
        ? disk.provisionedSize
        : Math.max((disk.provisionedSize as number | undefined) ?? 0, written);
      const actual = Math.min(image.allocated, written);
      const sizes = success && transfer!.direction !== "download"
        ? { provisionedSize: provisioned, actualSize: actual, totalSize: actual }
        : {};
      change(engine, "disks", disk.id, { status: "ok", ...sizes });
    };
    const ending = success ? "finalizing_success" : "finalizing_failure";
    const ended = {
      phase: success && !failed ? "finished_success" : "finished_failure",
      active: false,
    };
    transition(engine, "imagetransfers", transfer!.id, { phase: ending }, [ended], unlock);
  };
}

const transfer: Behaviour = {
  actions: {
    finalize: finish(true),
    cancel: finish(false),
    pause: (call, entity) => {
      change(call.engine, "imagetransfers", entity!.id, { phase: "paused_user" });
    },
    resume: (call, entity) => {
      const resumed = [{ phase: "transferring" }];
      transition(call.engine, "imagetransfers", entity!.id, { phase: "resuming" }, resumed);
    },
  },
};

/** Behaviours of the image transfer services, by service name. */
export const IMAGE_TRANSFER_BEHAVIOURS: Record<string, Behaviour> = {
  ImageTransfersService: transfers,
  ImageTransferService: transfer,
};

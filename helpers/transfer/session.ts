/**
 * One image transfer on the engine's side, from creation to its end: create it (with a
 * correlation id, so that its events can be found), wait until it is ready, pick the URL
 * that answers (`transfer_url` first, `proxy_url` when the host cannot be reached), keep
 * the ticket alive while the source is slow, tell why it stopped when the system or a user
 * paused or cancelled it, finalize it and wait for its end through short outages (an engine
 * that forgets a finished transfer, before 4.4.7, is asked about the disk instead), and cancel
 * it on any failure or abort, even one while it is being created (the transfer an `add` whose
 * answer never came may have made is looked for by the add's correlation id), but never once
 * it is finalizing or finished.
 *
 * @module
 */

import type { Connection } from "../../services/connection.ts";
import {
  ConflictError,
  ConnectionError,
  NotFoundError,
  OvirtError,
  TimeoutError,
} from "../../transport/errors.ts";
import type { DiskFormat } from "../../types/disk_format.ts";
import { DiskStatus } from "../../types/disk_status.ts";
import type { ImageTransfer } from "../../types/image_transfer.ts";
import type { ImageTransferDirection } from "../../types/image_transfer_direction.ts";
import { ImageTransferPhase } from "../../types/image_transfer_phase.ts";
import type { ImageTransferService } from "../../services/image_transfer.ts";
import { isTransient, waitFor } from "../wait.ts";
import { delay, untilAborted, within } from "../delay.ts";
import { ImageioClient, type ServerOptions } from "./imageio.ts";
import { briefly, toldAnyway, withNote } from "./notes.ts";
import { CleanupBudget, cleanupTime } from "./cleanup.ts";

/** How a transfer is run on the engine's side. */
export interface SessionOptions {
  /** Aborts the transfer (which is then cancelled on the engine). */
  signal?: AbortSignal;
  /** Milliseconds between polls of the transfer's phase (default 1000). */
  pollInterval?: number;
  /** Milliseconds to wait for each phase change (default 300000). */
  phaseTimeout?: number;
  /** Format of the bytes sent or wanted (default: the disk's own). */
  format?: DiskFormat;
  /** Use `proxy_url` only, without trying `transfer_url` first (default false). */
  useProxy?: boolean;
  /** Milliseconds to wait for `transfer_url` to answer before trying `proxy_url` (default 10000). */
  probeTimeout?: number;
  /**
   * Milliseconds without a request after which one is sent to keep the ticket alive
   * (default: a third of the transfer's inactivity timeout).
   */
  keepAliveInterval?: number;
  /**
   * More members of the transfer to create, e.g. `{ snapshot: { id } }` to download a disk
   * snapshot, `{ backup: { id } }` for a disk of a backup, `{ host: { id } }`, `{ shallow: true }`,
   * `{ inactivityTimeout: 120 }`.
   */
  transfer?: Omit<ImageTransfer, "disk" | "direction" | "format">;
}

/** Who is told of the transfer once the engine has made it (see `ImageTransferOptions`). */
export interface TransferCreated {
  /** Called with the transfer the engine answered to its creation; a throw fails the call. */
  onTransfer?: (transfer: ImageTransfer) => void | Promise<void>;
}

/** Phases after which no byte will move any more. */
const STOPPED: ReadonlySet<string> = new Set([
  ImageTransferPhase.PAUSED_SYSTEM,
  ImageTransferPhase.PAUSED_USER,
  ImageTransferPhase.CANCELLED,
  ImageTransferPhase.CANCELLED_SYSTEM,
  ImageTransferPhase.CANCELLED_USER,
  ImageTransferPhase.FINALIZING_FAILURE,
  ImageTransferPhase.FINISHED_FAILURE,
  ImageTransferPhase.FINALIZING_CLEANUP,
  ImageTransferPhase.FINISHED_CLEANUP,
]);

/** A transfer that is ready: the client of the URL that answered and what its server can do. */
export class TransferSession {
  /** The transfer as it was when it became ready. */
  readonly transfer: ImageTransfer;
  /** The client of the URL in use. */
  readonly client: ImageioClient;
  /** What the image server supports. */
  readonly server: ServerOptions;
  /** Which URL is in use. */
  readonly via: "transfer_url" | "proxy_url";
  readonly #connection: Connection;
  readonly #service: ImageTransferService;
  readonly #options: SessionOptions;
  readonly #correlationId: string;
  readonly #firstEventId?: string;
  readonly #diskId: string;
  #keepAlive?: ReturnType<typeof setTimeout>;

  private constructor(parts: {
    connection: Connection;
    service: ImageTransferService;
    transfer: ImageTransfer;
    client: ImageioClient;
    server: ServerOptions;
    via: "transfer_url" | "proxy_url";
    options: SessionOptions;
    correlationId: string;
    firstEventId?: string;
    diskId: string;
  }) {
    this.#connection = parts.connection;
    this.#service = parts.service;
    this.transfer = parts.transfer;
    this.client = parts.client;
    this.server = parts.server;
    this.via = parts.via;
    this.#options = parts.options;
    this.#correlationId = parts.correlationId;
    this.#firstEventId = parts.firstEventId;
    this.#diskId = parts.diskId;
  }

  /**
   * Creates a transfer of disk `diskId`, tells `options.onTransfer` about it, runs `move` once
   * it is ready, then finalizes it and resolves to the finished transfer. On any failure (or
   * abort, or a throw of `onTransfer`) the transfer is cancelled, and the error says why the
   * engine stopped it, if it did. `dropLocal` is called first, at the abort or the failure,
   * before any request to the engine (which may stall): a download removes its partial file
   * there.
   */
  static async run(
    connection: Connection,
    diskId: string,
    direction: ImageTransferDirection,
    options: SessionOptions & TransferCreated,
    move: (session: TransferSession) => Promise<void>,
    dropLocal?: () => Promise<void>,
  ): Promise<ImageTransfer> {
    const { signal } = options;
    signal?.throwIfAborted();
    let dropping: Promise<void> | undefined;
    // Once finalize is sent, what was moved may be the whole image: it is never dropped.
    const progress = { finalizing: false };
    const drop = () =>
      progress.finalizing
        ? Promise.resolve()
        : dropping ??= dropLocal ? dropLocal().catch(() => {}) : Promise.resolve();
    signal?.addEventListener("abort", drop, { once: true });
    try {
      return await TransferSession.#run(
        connection,
        diskId,
        direction,
        options,
        move,
        drop,
        progress,
      );
    } finally {
      signal?.removeEventListener("abort", drop);
    }
  }

  /** {@link run}, calling `drop` first on a failure. */
  static async #run(
    connection: Connection,
    diskId: string,
    direction: ImageTransferDirection,
    options: SessionOptions & TransferCreated,
    move: (session: TransferSession) => Promise<void>,
    drop: () => Promise<void>,
    progress: { finalizing: boolean },
  ): Promise<ImageTransfer> {
    const system = connection.systemService();
    const { signal } = options;
    using budget = new CleanupBudget(options);
    const correlationId = crypto.randomUUID();
    // The newest event marks where this transfer's events start (asked at the same time:
    // the events that matter, a pause or a failure, come long after the creation).
    const newestEvent = system.eventsService().list({ max: 1, signal }).catch(() => []);
    const created = await createTransfer(connection, {
      ...options.transfer,
      // A transfer of a disk snapshot names the snapshot only.
      ...(options.transfer?.snapshot ? {} : { disk: { id: diskId } }),
      direction,
      ...(options.format ? { format: options.format } : {}),
    }, { correlationId, diskId, options });
    const service = system.imageTransfersService().imageTransferService(created.id!);
    let session: TransferSession | undefined;
    try {
      await options.onTransfer?.(created);
      const [newest] = await newestEvent; // only for reasons
      const ready = await waitFor(
        (polls) => service.get({ signal: polls }),
        (value) => value.phase !== ImageTransferPhase.INITIALIZING,
        poll(options, `image transfer ${created.id} to be ready`),
      );
      const events = { connection, correlationId, firstEventId: newest?.id, options };
      if (ready.phase !== ImageTransferPhase.TRANSFERRING) {
        throw await stoppedError(ready, events, undefined);
      }
      const { client, server, via } = await pickUrl(connection, ready, options);
      session = new TransferSession({
        ...events,
        diskId,
        service,
        options,
        transfer: ready,
        client,
        server,
        via,
      });
      session.#startKeepAlive();
      await move(session);
      session.#stopKeepAlive();
      progress.finalizing = true;
      await session.#finalize();
    } catch (error) {
      if (outcomeUnknown(error)) throw error;
      await drop();
      if (session) session.#stopKeepAlive();
      const { finalizing } = progress;
      const state = { id: created.id!, service, session, finalizing, budget, options };
      throw await TransferSession.#failure(error, state);
    }
    return await session.#ended();
  }

  /**
   * The error to throw for a transfer that failed or was aborted, once it is cancelled (see
   * {@link cancelAfterFailure}): why the engine stopped it, if it did (asked for within half
   * the cleanup time, leaving the rest to cancel), or the abort's reason; with a note naming
   * the transfer if it could not be cancelled.
   */
  static async #failure(error: unknown, state: {
    id: string;
    service: ImageTransferService;
    session?: TransferSession;
    finalizing: boolean;
    budget: CleanupBudget;
    options: SessionOptions;
  }): Promise<unknown> {
    const { service, session, options: { signal } } = state;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const share = (part: number) => {
      const controller = new AbortController();
      const ran = () => controller.abort(new TimeoutError("The cleanup time ran out"));
      timers.push(setTimeout(ran, cleanupTime(state.options) * part));
      return controller.signal;
    };
    const asking = share(0.5), ending = share(1);
    let explained: unknown, notCancelled: string | undefined;
    try {
      explained = signal?.aborted
        ? signal.reason
        : session
        ? await session.#explain(error, asking)
        : error;
      notCancelled = await cancelAfterFailure(service, state.finalizing, state.budget, ending);
    } finally {
      timers.forEach(clearTimeout);
    }
    const thrown = signal?.aborted ? signal.reason : explained;
    if (notCancelled === undefined) return thrown;
    return withNote(thrown, stillRunning([{ id: state.id, why: notCancelled }]));
  }

  /**
   * Sends `finalize`. One whose answer is lost or that meets a short outage (see
   * {@link isTransient}) may have been carried out: the transfer's phase is asked for then
   * (through outages, within `phaseTimeout`), and `finalize` sent again only while it is
   * still `transferring`. Rejects with an error {@link outcomeUnknown} tells when the phase
   * could not be learned.
   */
  async #finalize(): Promise<void> {
    const { signal } = this.#options;
    const limit = this.#options.phaseTimeout ?? 300_000;
    const started = performance.now();
    const left = () => Math.ceil(Math.max(0, limit - (performance.now() - started)));
    const id = this.transfer.id;
    for (;;) {
      try {
        // An answer that never comes is an outage too: the request is bounded.
        await within(
          left(),
          signal,
          `finalizing image transfer ${id}`,
          (bounded) => this.#service.finalize({ signal: bounded }),
        );
        return;
      } catch (error) {
        if (signal?.aborted) throw this.#abortedOutcome();
        if (!isTransient(error)) throw error;
        if (left() === 0) throw this.#unknownOutcome(error);
        const current = await waitFor(
          (polls) => this.#service.get({ signal: polls }),
          () => true,
          {
            ...poll(this.#options, `image transfer ${id} once finalized`),
            timeout: left() || 1,
          },
        ).catch((lost) => {
          if (signal?.aborted) throw this.#abortedOutcome();
          if (lost instanceof NotFoundError) return undefined; // an engine before 4.4.7: it ended
          throw this.#unknownOutcome(lost);
        });
        // Finalizing, or ended: #ended tells how.
        if (current?.phase !== ImageTransferPhase.TRANSFERRING) return;
        if (performance.now() - started >= limit) throw error; // the finalize never arrived
      }
    }
  }

  /**
   * The error of a call aborted once `finalize` was sent: the transfer may well succeed, so
   * its result is kept (see {@link outcomeUnknown}); the abort's reason is its cause.
   */
  #abortedOutcome(): OvirtError {
    const reason = this.#options.signal?.reason;
    const error = new OvirtError(
      `Aborted once image transfer ${this.transfer.id} was asked to finalize; whether it ` +
        "succeeded is not known",
      { cause: reason },
    );
    UNKNOWN_OUTCOME.add(error);
    return error;
  }

  /**
   * `error` for a finalized transfer whose end could not be learned: see
   * {@link outcomeUnknown}.
   */
  #unknownOutcome(error: unknown): unknown {
    const marked = withNote(
      error,
      ` (image transfer ${this.transfer.id} was asked to finalize; whether it succeeded is not ` +
        "known)",
    );
    UNKNOWN_OUTCOME.add(marked);
    return marked;
  }

  /**
   * Sends a request now and then while nothing else is sent, so that the ticket stays alive;
   * but none while a data answer being read has brought nothing for as long (it makes no
   * progress: the ticket is not kept alive for it), and such an answer is cut after half the
   * transfer's inactivity timeout, so that the piece is asked again before the ticket would
   * expire had the request not held it.
   */
  #startKeepAlive(): void {
    const timeout = Number(this.transfer.inactivityTimeout ?? 60) * 1000;
    const interval = this.#options.keepAliveInterval ?? Math.max(250, timeout / 3);
    this.client.silenceLimit = Math.max(250, timeout / 2);
    const tick = async () => {
      const idle = performance.now() - this.client.lastRequest >= interval;
      if (idle && !this.client.silentFor(interval)) {
        await this.client.options().catch(() => {});
      }
      if (this.#keepAlive !== undefined) this.#schedule(tick, interval);
    };
    this.#schedule(tick, interval);
  }

  #schedule(tick: () => Promise<void>, interval: number): void {
    this.#keepAlive = setTimeout(tick, Math.max(50, interval / 4));
    Deno.unrefTimer(this.#keepAlive);
  }

  #stopKeepAlive(): void {
    clearTimeout(this.#keepAlive);
    this.#keepAlive = undefined;
  }

  /**
   * `error`, or an error saying why the engine stopped the transfer if it did; asked for
   * within the cleanup time, and no longer than the call's signal allows.
   */
  async #explain(error: unknown, limit: AbortSignal): Promise<unknown> {
    const current = await within(
      cleanupTime(this.#options),
      anySignal(this.#options.signal, limit),
      "asking why the transfer stopped",
      (signal) => this.#service.get({ signal }),
    ).catch(() => undefined);
    if (!current || !STOPPED.has(current.phase ?? "")) return error;
    return await stoppedError(current, { ...this.#events(), limit }, error);
  }

  #events(): EventClues {
    return {
      connection: this.#connection,
      correlationId: this.#correlationId,
      firstEventId: this.#firstEventId,
      options: this.#options,
    };
  }

  /**
   * Waits until the finalized transfer has ended, through short outages; resolves to it if
   * it succeeded. When its end cannot be learned within `phaseTimeout`, rejects with an
   * error {@link outcomeUnknown} tells.
   */
  async #ended(): Promise<ImageTransfer> {
    let last = this.transfer;
    try {
      last = await waitFor(
        (polls) => this.#service.get({ signal: polls }),
        (value) => {
          last = value;
          return value.phase === ImageTransferPhase.FINISHED_SUCCESS || STOPPED.has(value.phase!);
        },
        poll(this.#options, `image transfer ${this.transfer.id} to finish`),
      );
    } catch (error) {
      if (this.#options.signal?.aborted) throw this.#abortedOutcome();
      if (!(error instanceof NotFoundError)) throw this.#unknownOutcome(error);
      return await this.#endedByDisk(last);
    }
    if (last.phase !== ImageTransferPhase.FINISHED_SUCCESS) {
      throw await stoppedError(last, this.#events(), undefined);
    }
    return last;
  }

  /**
   * An engine before 4.4.7 forgets a transfer once it has ended: its disk tells how it
   * went (`ok`: it succeeded; `illegal` or gone: it failed). Resolves to the transfer as
   * last seen with the phase `finished_success` it must have reached.
   */
  async #endedByDisk(last: ImageTransfer): Promise<ImageTransfer> {
    const diskId = last.disk?.id ?? this.#diskId;
    const diskService = this.#connection.systemService().disksService().diskService(diskId);
    const disk = await waitFor(
      (polls) => diskService.get({ signal: polls }),
      (value) => value.status !== DiskStatus.LOCKED,
      poll(this.#options, `disk ${diskId} of image transfer ${last.id} to be unlocked`),
    ).catch((error) => {
      if (error instanceof NotFoundError) return undefined;
      throw this.#options.signal?.aborted ? this.#abortedOutcome() : this.#unknownOutcome(error);
    });
    if (disk?.status !== DiskStatus.OK) {
      const state = disk ? `its disk is ${disk.status}` : "its disk is gone";
      const reason = await reasonOf(this.#events());
      throw new OvirtError(
        `Image transfer ${last.id} failed: ${state}${reason ? ` (${reason})` : ""}`,
      );
    }
    return { ...last, phase: ImageTransferPhase.FINISHED_SUCCESS, active: false };
  }
}

/** The errors of finalized transfers whose end could not be learned. */
const UNKNOWN_OUTCOME = new WeakSet<object>();

/**
 * Whether `error` is that of a transfer that was finalized but whose end could not be learned
 * (the engine could not be asked until `phaseTimeout`): its result may well be complete, so
 * it is kept (neither the disk of an upload nor the file of a download is removed).
 */
export function outcomeUnknown(error: unknown): boolean {
  return typeof error === "object" && error !== null && UNKNOWN_OUTCOME.has(error);
}

/**
 * Cancels a transfer that failed or was aborted, within the clean-up time left; one whose
 * `finalize` was sent only if its phase shows it is not finalizing or over (a `finalize`
 * whose answer was lost may have been carried out: its result is not destroyed). Resolves
 * to why it could not be cancelled, or `undefined` when nothing is left running.
 */
async function cancelAfterFailure(
  service: ImageTransferService,
  finalizing: boolean,
  budget: CleanupBudget,
  limit: AbortSignal,
): Promise<string | undefined> {
  return await cancelled(budget.run("cancelling the transfer", async (step) => {
    const signal = AbortSignal.any([step, limit]);
    limit.throwIfAborted();
    if (finalizing && isOver(await service.get({ signal }))) return;
    await service.cancel({ signal });
  }, true));
}

/**
 * What finds the events of a transfer: its correlation id, and the newest event before it;
 * and the options whose signal and cleanup time bound the search.
 */
interface EventClues {
  connection: Connection;
  correlationId: string;
  firstEventId?: string;
  options: SessionOptions;
  /** Aborts when the questions must end (besides the options' signal and cleanup time). */
  limit?: AbortSignal;
}

/** A signal that aborts when any of `signals` does. */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const given = signals.filter((signal) => signal !== undefined);
  return given.length <= 1 ? given[0] : AbortSignal.any(given);
}

/** How the error of a transfer stopped in each phase says it, before the phase itself. */
const HOW: Readonly<Record<string, string>> = {
  [ImageTransferPhase.PAUSED_SYSTEM]: "was paused by the system",
  [ImageTransferPhase.PAUSED_USER]: "was paused by a user",
  [ImageTransferPhase.CANCELLED_SYSTEM]: "was cancelled by the system",
  [ImageTransferPhase.CANCELLED_USER]: "was cancelled by a user",
  [ImageTransferPhase.CANCELLED]: "was cancelled",
  [ImageTransferPhase.FINALIZING_FAILURE]: "failed",
  [ImageTransferPhase.FINISHED_FAILURE]: "failed",
};

/**
 * The error for a transfer the engine stopped: how, the phase it is in, and the reason
 * its events give, e.g. `Image transfer ID was cancelled by the system (phase
 * cancelled_system): Transfer was stopped by system. Reason: ...`.
 */
async function stoppedError(
  current: ImageTransfer,
  clues: EventClues,
  cause: unknown,
): Promise<OvirtError> {
  const how = HOW[current.phase ?? ""] ?? "ended";
  const reason = await reasonOf(clues);
  return new OvirtError(
    `Image transfer ${current.id} ${how} (phase ${current.phase})${reason ? `: ${reason}` : ""}`,
    cause === undefined ? {} : { cause },
  );
}

/** Words of an event that tells why a transfer stopped (not that it began, say). */
const TELLING = /reason|cancell?ed|fail|stopped|paused|abort/i;

/**
 * The description of the newest event since the transfer started that tells why it
 * stopped: one with its correlation id first, else one about a transfer (a user who
 * cancels it from another session logs with that session's correlation id). Asked for within
 * the cleanup time, and no longer than the call's signal allows: none if no answer came.
 */
async function reasonOf(clues: EventClues): Promise<string | undefined> {
  const events = clues.connection.systemService().eventsService();
  const found = await within(
    cleanupTime(clues.options),
    anySignal(clues.options.signal, clues.limit),
    "asking for the transfer's events",
    (signal) =>
      clues.firstEventId === undefined
        ? events.list({ max: 100, signal })
        : events.list({ from: Number(clues.firstEventId), signal }),
  ).catch(() => []);
  const telling = found
    .filter((event) => TELLING.test(event.description ?? ""))
    .sort((a, b) => Number(b.id) - Number(a.id));
  const best = telling.find((event) => event.correlationId === clues.correlationId) ??
    telling.find((event) => /transfer|image (upload|download)/i.test(event.description ?? ""));
  return best?.description;
}

function poll(options: SessionOptions, description: string) {
  return {
    interval: options.pollInterval ?? 1000,
    timeout: options.phaseTimeout ?? 300_000,
    signal: options.signal,
    description,
    describe: (value: { phase?: string; status?: string }) =>
      value.phase ? `phase ${value.phase}` : `status ${value.status}`,
  };
}

/** The first URL of the transfer whose server answers OPTIONS: `transfer_url`, then `proxy_url`. */
async function pickUrl(
  connection: Connection,
  transfer: ImageTransfer,
  options: SessionOptions,
): Promise<{ client: ImageioClient; server: ServerOptions; via: "transfer_url" | "proxy_url" }> {
  const candidates: ["transfer_url" | "proxy_url", string | undefined][] = [
    ["transfer_url", options.useProxy ? undefined : transfer.transferUrl],
    ["proxy_url", transfer.proxyUrl],
  ];
  const failures: string[] = [];
  for (const [via, url] of candidates) {
    if (!url) continue;
    const client = new ImageioClient(connection, url, options.signal);
    try {
      const server = await client.options(AbortSignal.timeout(options.probeTimeout ?? 10_000));
      return { client, server, via };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      failures.push(`${via} (${client.origin}): ${error instanceof Error ? error.message : error}`);
    }
  }
  throw new ConnectionError(
    `No image server of transfer ${transfer.id} answers: ${failures.join("; ") || "it has no URL"}`,
  );
}

/** Phases of a transfer that is over or on its way to its end: nothing to cancel. */
const OVER = /^(finished|finalizing|cancelled)/;

/** Whether `transfer` is over or on its way to its end (see {@link OVER}). */
function isOver(transfer: ImageTransfer): boolean {
  return OVER.test(transfer.phase ?? "");
}

/** Whether a failed request may have been carried out although its answer was lost. */
function answerLost(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof TimeoutError ||
    (error instanceof OvirtError && (error.code === 502 || error.code === 504));
}

/**
 * Creates the transfer `body` describes. An abort does not stop the `add` once sent (the
 * engine may carry it out all the same): its answer is awaited, within {@link cleanupTime},
 * and the transfer it made told to `onTransfer` and cancelled before the abort's reason is
 * thrown. An `add` whose answer is lost (cut connection, timeout, a proxy's 502 or 504) may
 * have made one too: it is looked for (see {@link cancelLost}) and cancelled before the error
 * is thrown.
 */
async function createTransfer(
  connection: Connection,
  body: ImageTransfer,
  clues: { correlationId: string; diskId: string; options: SessionOptions & TransferCreated },
): Promise<ImageTransfer> {
  const { correlationId, options } = clues;
  const { signal } = options;
  const transfers = connection.systemService().imageTransfersService();
  const giveUp = new AbortController();
  const adding = transfers.add(body, { signal: giveUp.signal, correlationId });
  try {
    return await untilAborted(adding, signal);
  } catch (error) {
    if (!signal?.aborted && !answerLost(error)) throw error; // refused: nothing was made
    const cleanup = AbortSignal.timeout(cleanupTime(options));
    const stopAdding = () => giveUp.abort(cleanup.reason);
    cleanup.addEventListener("abort", stopAdding, { once: true });
    const notCancelled: NotCancelled[] = [];
    try {
      const made = signal?.aborted ? await adding.catch((late) => late) : error;
      if (!(made instanceof Error)) {
        toldAnyway(options.onTransfer, made);
        const service = transfers.imageTransferService(made.id!);
        const why = await cancelled(service.cancel({ signal: cleanup }));
        if (why !== undefined) notCancelled.push({ id: made.id!, why });
      } else if (answerLost(made)) {
        notCancelled.push(...await cancelLost(connection, { ...clues, body }, cleanup));
      }
    } finally {
      // A listener on a timeout signal keeps the process alive until it fires.
      cleanup.removeEventListener("abort", stopAdding);
    }
    const thrown = signal?.aborted ? signal.reason : error;
    if (notCancelled.length === 0) throw thrown;
    throw withNote(thrown, stillRunning(notCancelled));
  }
}

/** A transfer whose cancel failed, and why. */
interface NotCancelled {
  id: string;
  why: string;
}

/** The note of an error for transfers left running. */
function stillRunning(transfers: readonly NotCancelled[]): string {
  return transfers.map(({ id, why }) =>
    `; image transfer ${id} could not be cancelled (${why}): cancel it, or its inactivity ` +
    "timeout will"
  ).join("");
}

/**
 * Why the transfer a `cancel` was sent for is still running, or `undefined` when it was
 * cancelled, had already ended (refused with 409) or is gone (404).
 */
async function cancelled(cancel: Promise<unknown>): Promise<string | undefined> {
  try {
    await cancel;
    return undefined;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) return undefined;
    return briefly(error);
  }
}

/**
 * Looks for the transfer an `add` sent with `correlationId` made although its answer was
 * lost, until `signal` aborts, and cancels it. Only once the engine shows it carried the add
 * out (a job or an event with that correlation id) is the transfer taken: the one of the
 * same disk (or snapshot) and direction that is not over (the engine locks the disk for
 * one transfer at a time). Resolves to the transfers found whose cancel failed.
 */
async function cancelLost(
  connection: Connection,
  clues: { correlationId: string; diskId: string; body: ImageTransfer; options: SessionOptions },
  signal: AbortSignal,
): Promise<NotCancelled[]> {
  const system = connection.systemService();
  const search = `correlation_id=${clues.correlationId}`;
  const snapshot = clues.body.snapshot?.id;
  const ours = (transfer: ImageTransfer) =>
    transfer.direction === clues.body.direction && !isOver(transfer) &&
    (snapshot !== undefined
      ? transfer.snapshot?.id === snapshot
      : transfer.disk?.id === clues.diskId || transfer.image?.id === clues.diskId);
  const interval = Math.min(Math.max(clues.options.pollInterval ?? 1000, 50), 1000);
  while (!signal.aborted) {
    try {
      const [jobs, events] = await Promise.all([
        system.jobsService().list({ search, signal }).catch(() => []),
        system.eventsService().list({ search, signal }).catch(() => []),
      ]);
      const carriedOut = jobs.length > 0 ||
        events.some((event) => event.correlationId === clues.correlationId);
      if (carriedOut) {
        const found = (await system.imageTransfersService().list({ signal })).filter(ours);
        const notCancelled: NotCancelled[] = [];
        for (const transfer of found) {
          const service = system.imageTransfersService().imageTransferService(transfer.id!);
          const why = await cancelled(service.cancel({ signal }));
          if (why !== undefined) notCancelled.push({ id: transfer.id!, why });
        }
        const ended = jobs.length > 0 && jobs.every((job) => job.status !== "started");
        if (found.length > 0 || ended) return notCancelled;
      }
    } catch {
      // The engine did not answer: ask again while there is time.
    }
    await delay(interval, signal);
  }
  return [];
}

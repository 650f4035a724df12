/**
 * How the simulator's image transfers can misbehave, per test, like real engines and
 * hosts do: an engine older than 4.4.7 that forgets a finished transfer, a host the
 * client cannot reach, a transfer the system pauses or cancels, a user cancels from
 * another session or that fails mid-way, an imageio daemon older than 1.3, a verification
 * that fails at finalize.
 *
 * @module
 */

/** Switches for the simulator's image transfer behaviour; all off by default. */
export interface TransferQuirks {
  /** A finished transfer is removed at once, so that it answers 404 (engines before 4.4.7). */
  forgetFinished?: boolean;
  /** `transfer_url` names a host that refuses connections; only `proxy_url` works. */
  unreachableHost?: boolean;
  /**
   * The system pauses a transfer (`paused_system`, the daemon then answers 403) once its
   * data plane received this many bytes, with an event giving {@link pauseReason}.
   */
  pauseAfterBytes?: number;
  /** The reason in the pause event (default: `Failed to renew the transfer ticket`). */
  pauseReason?: string;
  /**
   * The engine stops a transfer as {@link stopAs} says once its data plane received (or,
   * for a download, sent) this many bytes; the daemon then refuses its ticket (403) and
   * cuts off bodies in progress.
   */
  stopAfterBytes?: number;
  /**
   * How {@link stopAfterBytes} stops it (default `cancelled_system`): the system cancels it,
   * a user cancels it from another session (`cancelled_user`), the system pauses it
   * (`paused_system`), or it fails (`finished_failure`, through `finalizing_failure`).
   */
  stopAs?: TransferStop;
  /** The reason in the stop event (default: `the host is not responding`). */
  stopReason?: string;
  /**
   * The daemon predates OPTIONS (answers 405) and has no zero, flush, extents or checksum:
   * like imageio 1.x it takes a path below the ticket's for a ticket id and refuses it (403).
   */
  legacyDaemon?: boolean;
  /** Finalizing ends in `finished_failure` and leaves the disk `illegal`. */
  failVerification?: boolean;
  /** The daemon stores the byte written at this offset inverted (a bad disk, for verification). */
  corruptAt?: number;
  /**
   * Every this many data requests (PUT, PATCH, ranged GET), the daemon does its work and
   * then cuts the connection in the middle of its answer (a flaky network).
   */
  cutEvery?: number;
  /** How many bytes of an answer `cutEvery` lets through before the cut (default: half its first chunk). */
  cutAfter?: number;
}

/** The names {@link TransferQuirks} has (kept whole by `satisfies`). */
export const TRANSFER_QUIRK_NAMES = Object.keys(
  {
    forgetFinished: true,
    unreachableHost: true,
    pauseAfterBytes: true,
    pauseReason: true,
    stopAfterBytes: true,
    stopAs: true,
    stopReason: true,
    legacyDaemon: true,
    failVerification: true,
    corruptAt: true,
    cutEvery: true,
    cutAfter: true,
  } satisfies Record<keyof TransferQuirks, true>,
) as readonly (keyof TransferQuirks)[];

/** The ways {@link TransferQuirks.stopAs} takes (kept whole by `satisfies`). */
export const TRANSFER_STOPS = Object.keys(
  {
    paused_system: true,
    cancelled_system: true,
    cancelled_user: true,
    finished_failure: true,
  } satisfies Record<TransferStop, true>,
) as readonly TransferStop[];

/** What the simulator's image daemon has seen, for tests. */
export interface ImageTraffic {
  /** Requests by method (`PUT`, `GET`, `PATCH`, `OPTIONS`). */
  requests: Record<string, number>;
  /** Most requests in progress at once. */
  maxInFlight: number;
  /** Bytes received in PUT bodies. */
  bytesWritten: number;
  /** Data requests counted for `cutEvery`. */
  dataRequests: number;
}

/** The event an engine logs when the system stops a transfer. */
export function stoppedBySystem(reason: string): string {
  return `Transfer was stopped by system. Reason: ${reason}.`;
}

/** How the engine can stop a transfer while bytes move. */
export type TransferStop =
  | "paused_system"
  | "cancelled_system"
  | "cancelled_user"
  | "finished_failure";

/** Event code of a transfer stopped by the system (the simulator's own number). */
export const STOPPED_BY_SYSTEM_CODE = 1071;
/** Event code of a transfer cancelled by a user (the simulator's own number). */
export const CANCELLED_BY_USER_CODE = 1072;
/** Event code of a transfer that failed (the simulator's own number). */
export const FAILED_CODE = 1073;

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

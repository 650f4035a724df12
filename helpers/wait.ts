/**
 * Polling until an object reaches the state you want: {@link waitFor} and its
 * typed shortcut {@link waitForStatus}.
 *
 * @example
 * ```ts
 * import { Connection, types, waitForStatus } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const vmService = connection.systemService().vmsService().vmService("123");
 * await vmService.start();
 * await waitForStatus(vmService, types.VmStatus.UP, { timeout: 300_000 });
 * ```
 *
 * @module
 */

import { ConnectionError, OvirtError, TimeoutError } from "../transport/errors.ts";
import { isLastingFailure } from "../transport/retry.ts";
import { delay, untilAborted, within } from "./delay.ts";

/** Milliseconds a poll may take before it is given up as failed, unless `pollTimeout` says. */
export const DEFAULT_POLL_TIMEOUT = 60_000;

/** How often and how long to poll. */
export interface WaitOptions {
  /** Milliseconds between two polls (default 2000). */
  interval?: number;
  /**
   * Milliseconds before giving up with a TimeoutError (default 600000, ten minutes); 0 polls
   * once (that poll is not cut short) and gives up if the condition does not hold then.
   */
  timeout?: number;
  /**
   * Milliseconds one poll may take (default 60000, as `followEvents` gives a request): a
   * poll whose answer has not come by then is given up (its request aborted) and counts as a
   * failed poll, made again after `interval` until `timeout`, as after a short outage. `Infinity`: only the wait's own
   * `timeout` bounds a poll (as it does the one poll of `timeout` 0). Raise it for a getter
   * that takes long (a large list).
   */
  pollTimeout?: number;
  /** Stops waiting; the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** What is awaited, for the error message (e.g. `VM 123 status up`). */
  description?: string;
}

/** Options of {@link waitFor}: {@link WaitOptions} plus how to describe a state. */
export interface WaitForOptions<T> extends WaitOptions {
  /** Describes a polled value for the timeout message (default: its `status`, if any). */
  describe?: (value: T) => string;
}

function describeDefault(value: unknown): string {
  if (Array.isArray(value)) return `${value.length} items`;
  if (value && typeof value === "object") {
    const status = (value as { status?: unknown }).status;
    if (status !== undefined) return `status ${String(status)}`;
    const text = jsonOf(value);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  }
  return String(value);
}

/** JSON of a polled object, with `bigint` integers as digits; never throws. */
function jsonOf(value: object): string {
  try {
    return JSON.stringify(value, (_, item) => typeof item === "bigint" ? String(item) : item);
  } catch {
    return "an object that JSON cannot show";
  }
}

/**
 * Whether a failed request may well succeed if sent again a little later: the engine could
 * not be reached (`ConnectionError`, but for a certificate refused), did not answer in time
 * (`TimeoutError`), or a proxy in front of it answered 502, 503 or 504 (an engine restarting
 * behind Apache).
 */
export function isTransient(error: unknown): boolean {
  return (error instanceof ConnectionError && !isLastingFailure(error)) ||
    error instanceof TimeoutError ||
    (error instanceof OvirtError && TRANSIENT_CODES.has(error.code ?? 0));
}

const TRANSIENT_CODES: ReadonlySet<number> = new Set([502, 503, 504]);

/** The message of an error, for another error's message. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls `getter` until `predicate` holds for its result, and resolves to that result.
 * A poll that fails for a while only (see {@link isTransient}: the engine unreachable, a
 * proxy's 502, 503 or 504) is made again after `interval`, until `timeout`. Rejects with a
 * {@link TimeoutError} naming what was waited for, the last state seen and the last failure
 * when `timeout` passes, and at once with any other error of `getter` (a vanished object is a
 * NotFoundError, a refused login an AuthError).
 * `getter` is handed a signal that aborts when the poll is given up (after `pollTimeout`,
 * or when the wait ends: the timeout passed, or `signal` aborted): pass it on to the call
 * (`(signal) => vmService.get({ signal })`). A poll still running then is given up, whether
 * or not `getter` heeds the signal: one whose answer never comes is a failed poll, made again
 * after `interval`, and the wait ends on time.
 */
export async function waitFor<T>(
  getter: (signal: AbortSignal) => Promise<T>,
  predicate: (value: T) => boolean,
  options: WaitForOptions<T> = {},
): Promise<T> {
  const { interval = 2000, timeout = 600_000, signal, describe = describeDefault } = options;
  const { pollTimeout = DEFAULT_POLL_TIMEOUT } = options;
  if (!(interval >= 0) || !(timeout >= 0)) {
    throw new OvirtError("waitFor: interval and timeout must be non-negative numbers");
  }
  if (typeof pollTimeout !== "number" || !(pollTimeout > 0)) {
    throw new OvirtError(
      "waitFor: pollTimeout must be a positive number of milliseconds (Infinity: no limit)",
    );
  }
  signal?.throwIfAborted();
  const expiry = new AbortController(), finished = new AbortController();
  const ends = signal ? AbortSignal.any([signal, expiry.signal]) : expiry.signal;
  if (timeout > 0) {
    delay(timeout, AbortSignal.any([ends, finished.signal]))
      .then(() => finished.signal.aborted || expiry.abort());
  }
  let last: { value: T } | undefined;
  let failure: { error: unknown } | undefined;
  try {
    while (!ends.aborted) {
      let value: T;
      try {
        value = timeout === 0
          ? await untilAborted(getter(ends), ends)
          : await within(pollTimeout, ends, "a poll", getter);
      } catch (error) {
        // One poll asked for (timeout 0) reports its own failure.
        if (ends.aborted || timeout === 0 || !isTransient(error)) throw error;
        failure = { error };
        await delay(interval, ends);
        continue;
      }
      if (predicate(value)) return value;
      last = { value };
      if (timeout === 0) break; // polled once, as asked
      await delay(interval, ends);
    }
  } catch (error) {
    if (!ends.aborted) throw error;
  } finally {
    finished.abort();
  }
  if (signal?.aborted) throw signal.reason;
  const what = options.description ? ` for ${options.description}` : "";
  const seen = last
    ? describe(last.value)
    : failure
    ? "nothing (every poll failed)"
    : "nothing (no answer came in time)";
  const failed = failure ? `; last failure: ${messageOf(failure.error)}` : "";
  throw new TimeoutError(
    `Timed out after ${Math.round(timeout)} ms waiting${what}; last seen: ${seen}${failed}`,
    failure ? { cause: failure.error } : {},
  );
}

/** Anything with a `get()` resolving to an object with a `status`: VM, disk, host, ... */
export interface StatusSource<T extends { status?: string }> {
  /** Fetches the object; `signal` gives up the request. */
  get(options?: { signal?: AbortSignal }): Promise<T>;
  /** Path of the service, used in messages. */
  readonly path: string;
}

/** Options of {@link waitForStatus}: {@link WaitOptions} plus the statuses that mean failure. */
export interface WaitForStatusOptions<S extends string = string> extends WaitOptions {
  /**
   * Statuses that end the wait at once with an {@link OvirtError} naming the status (a host
   * `non_operational` or `install_failed` while waiting for `up`, a disk `illegal` while
   * waiting for `ok`), instead of polling on until the timeout. Leave out a status the
   * object may still show at the first poll (a VM being started may still be `down`).
   */
  failOn?: readonly S[];
}

/**
 * Polls `service.get()` until the object's `status` is `wanted` (or one of them), e.g.
 * a VM `up` or a disk `ok`, and resolves to the object; rejects at once when it is one of
 * `failOn`.
 */
export async function waitForStatus<T extends { status?: string }>(
  service: StatusSource<T>,
  wanted: NonNullable<T["status"]> | readonly NonNullable<T["status"]>[],
  options: WaitForStatusOptions<NonNullable<T["status"]>> = {},
): Promise<T> {
  const statuses: readonly string[] = typeof wanted === "string" ? [wanted] : wanted;
  const { failOn = [], ...waitOptions } = options;
  if (!Array.isArray(failOn) || failOn.some((status) => typeof status !== "string")) {
    throw new OvirtError("waitForStatus: failOn must be an array of statuses");
  }
  const description = options.description ?? `/${service.path} status ${statuses.join(" or ")}`;
  return await waitFor(
    (signal) => service.get({ signal }),
    (value) => {
      const { status } = value;
      if (status !== undefined && !statuses.includes(status) && failOn.includes(status)) {
        throw new OvirtError(`Waiting for ${description}: the status became ${status}`);
      }
      return status !== undefined && statuses.includes(status);
    },
    { ...waitOptions, description },
  );
}

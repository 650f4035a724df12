/**
 * `--wait`: after an add or an action, polls the object (with the SDK's `waitFor`) until its
 * status settles: the status the action leads to where it is known (`start` → `up`), else any
 * status it does not only pass through (`image_locked`, `installing`, ...). A status that
 * means the change failed (`install_failed`, `illegal`, a VM back `down` after a start) ends
 * the wait with a {@link WaitFailedError}; an object without a status (a storage domain under
 * `/storagedomains`) has nothing to wait for.
 *
 * @module
 */

import { waitFor } from "../mod.ts";
import { CliError, EXIT } from "./errors.ts";
import { goalOf, LIFECYCLES } from "./lifecycles.ts";
import { memberOf } from "./values.ts";

/** What to poll and how. */
export interface WaitRequest {
  /** Struct of the object. */
  type?: string;
  /** The method that was called (`add`, `start`, ...). */
  method: string;
  /** The call's parameters by name (`pause` of a VM start). */
  params?: Readonly<Record<string, unknown>>;
  /** The object's status before the call (an action), if known. */
  before?: string;
  /** Fetches the object; `signal` gives up the request. */
  get: (signal: AbortSignal) => Promise<{ status?: string }>;
  /** What is awaited, for messages (`vm myvm`). */
  what: string;
  /** Milliseconds between polls. */
  interval: number;
  /** Milliseconds before giving up. */
  timeout: number;
  /** Milliseconds a poll may take (`--request-timeout`; else `waitFor`'s default). */
  pollTimeout?: number;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** `--wait` saw the object end in a status that means the change failed: exit code 1. */
export class WaitFailedError extends CliError {
  /** The error for `what` seen in `status`, while waiting for `awaited`. */
  constructor(what: string, status: string, detail: unknown, awaited: string) {
    const more = typeof detail === "string" && detail !== "" ? ` (${detail})` : "";
    super(`${what} is ${status}${more} while waiting for ${awaited}: it failed`, EXIT.FAILURE);
    this.name = "WaitFailedError";
  }
}

type Verdict = "wait" | "done" | "failed";

/** Waits as {@link WaitRequest} says; resolves to the object as last seen (or `undefined`). */
export async function waitSettled(request: WaitRequest): Promise<object | undefined> {
  const { type, before } = request;
  if (!type || memberOf(type, "status") === undefined) return undefined;
  const lifecycle = LIFECYCLES[type] ?? { passing: [], failed: [], goals: {} };
  const goal = goalOf(type, request.method, before, request.params ?? {});
  const awaited = goal ? `status ${goal.reach.join(" or ")}` : "its status to settle";
  let moved = false;
  const verdictOf = (object: Record<string, unknown>): Verdict => {
    const status = object.status as string | undefined;
    if (status === undefined) return "done";
    const stayed = status === before && !moved;
    if (status !== before) moved = true;
    if (goal?.reach.includes(status)) {
      return stayed && goal.doneWhen && !goal.doneWhen(object) ? "wait" : "done";
    }
    // A failure status the object already had may be one the call is about to leave (a
    // paused VM being started is still paused until the engine sees it run).
    if (goal?.failed?.includes(status) && !stayed) return "failed";
    if (lifecycle.failed.includes(status) && !stayed) return "failed";
    if (goal) return "wait";
    return lifecycle.passing.includes(status) ? "wait" : "done";
  };
  let verdict = "wait" as Verdict;
  const object = await waitFor(
    request.get,
    (value) => (verdict = verdictOf(value as Record<string, unknown>)) !== "wait",
    {
      interval: request.interval,
      timeout: request.timeout,
      ...(request.pollTimeout === undefined ? {} : { pollTimeout: request.pollTimeout }),
      signal: request.signal,
      description: `${request.what} ${awaited}`,
    },
  ) as Record<string, unknown>;
  if (verdict === "failed") {
    throw new WaitFailedError(
      request.what,
      String(object.status),
      object.statusDetail,
      awaited,
    );
  }
  return object;
}

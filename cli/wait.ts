/**
 * `--wait`: after an add or an action, polls the object (with the SDK's `waitFor`) until
 * its status settles: the status the action leads to where it is known (`start` → `up`),
 * else any status that is not a transition (`image_locked`, `powering_up`, ...).
 *
 * @module
 */

import { waitFor } from "../mod.ts";
import { memberOf } from "./values.ts";

/** Statuses an object passes through on its way somewhere. */
const TRANSIENT = new Set([
  "image_locked",
  "locked",
  "initializing",
  "installing",
  "preparing_for_maintenance",
  "powering_up",
  "powering_down",
  "wait_for_launch",
  "migrating",
  "reboot_in_progress",
  "saving_state",
  "restoring_state",
  "activating",
  "detaching",
  "locked_admin",
  "unknown",
]);

/** Where an action leads, per type: `Vm.start` → `up`. */
const TARGETS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Vm: {
    start: ["up", "paused"],
    stop: ["down"],
    shutdown: ["down"],
    suspend: ["suspended"],
    reboot: ["up"],
    reset: ["up"],
    migrate: ["up"],
  },
  Host: { deactivate: ["maintenance"], activate: ["up"], install: ["up", "maintenance"] },
};

/** What to poll and how. */
export interface WaitRequest {
  /** Struct of the object. */
  type?: string;
  /** The method that was called (`add`, `start`, ...). */
  method: string;
  /** Fetches the object; `signal` gives up the request. */
  get: (signal: AbortSignal) => Promise<{ status?: string }>;
  /** What is awaited, for the timeout message (`vm myvm`). */
  what: string;
  /** Milliseconds between polls. */
  interval: number;
  /** Milliseconds before giving up. */
  timeout: number;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** Waits as {@link WaitRequest} says; resolves to the object as last seen (or `undefined`). */
export async function waitSettled(request: WaitRequest): Promise<object | undefined> {
  if (!request.type || memberOf(request.type, "status") === undefined) return undefined;
  const wanted = TARGETS[request.type]?.[request.method];
  return await waitFor(
    request.get,
    (value) =>
      value.status !== undefined &&
      (wanted ? wanted.includes(value.status) : !TRANSIENT.has(value.status)),
    {
      interval: request.interval,
      timeout: request.timeout,
      signal: request.signal,
      description: `${request.what} status ${wanted ? wanted.join(" or ") : "to settle"}`,
    },
  );
}

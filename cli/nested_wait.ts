/**
 * `--wait` on the item of a nested collection (`ovirt vm snapshots web1 add --wait`): polls
 * the item until its status settles, as `--wait` does for any object, then the object it
 * belongs to until that is no longer in a status it only passes through (a VM whose images
 * a snapshot or its restore locked: `image_locked`), within the one time limit.
 *
 * @module
 */

import { waitFor } from "../mod.ts";
import { LIFECYCLES } from "./lifecycles.ts";
import { waitSettled } from "./wait.ts";

/**
 * Items whose status is a member other than `status`, and the statuses they only pass
 * through: a snapshot's `status` is the VM's it extends, which the engine leaves unset.
 */
const OWN_STATUS: Readonly<Record<string, { member: string; passing: readonly string[] }>> = {
  Snapshot: { member: "snapshotStatus", passing: ["locked"] },
};

type Status = { status?: string };

/** One object to poll: its struct, how to fetch it, and what to call it in messages. */
export interface Polled {
  /** Struct of the object. */
  readonly type?: string;
  /** Fetches it; `signal` gives up the request. */
  readonly get: (signal: AbortSignal) => Promise<Status>;
  /** What it is, for messages (`snapshot 123`, `vm web1`). */
  readonly what: string;
}

/** What to wait for after a call to a nested item, and how. */
export interface NestedWait {
  /** The item. */
  readonly item: Polled;
  /** The object the item belongs to. */
  readonly owner: Polled;
  /** The method that was called (`add`, `restore`, ...). */
  readonly method: string;
  /** The call's parameters by name. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The item's status before the call (an action), if known. */
  readonly before?: string;
  /** Milliseconds between polls. */
  readonly interval: number;
  /** Milliseconds before giving up, both waits together. */
  readonly timeout: number;
  /** Milliseconds a poll may take (`--request-timeout`; else `waitFor`'s default). */
  readonly pollTimeout?: number;
  /** Stops waiting. */
  readonly signal: AbortSignal;
}

/** Waits as {@link NestedWait} says; resolves to the item as last seen (or `undefined`). */
export async function waitNested(request: NestedWait): Promise<object | undefined> {
  const { item, owner, interval, signal } = request;
  const polls = request.pollTimeout === undefined ? {} : { pollTimeout: request.pollTimeout };
  const ends = Date.now() + request.timeout;
  const left = () => Math.max(1, ends - Date.now());
  const own = item.type ? OWN_STATUS[item.type] : undefined;
  const settled = own
    ? await waitFor(item.get, (value) => {
      const status = (value as Record<string, unknown>)[own.member];
      return typeof status !== "string" || !own.passing.includes(status);
    }, {
      interval,
      timeout: left(),
      ...polls,
      signal,
      description: `${item.what} to leave ${own.passing.join(", ")}`,
    })
    : await waitSettled({
      ...(item.type ? { type: item.type } : {}),
      method: request.method,
      params: request.params,
      ...(request.before === undefined ? {} : { before: request.before }),
      get: item.get,
      what: item.what,
      interval,
      timeout: left(),
      ...polls,
      signal,
    });
  const passing = owner.type ? LIFECYCLES[owner.type]?.passing : undefined;
  if (passing && passing.length > 0) {
    await waitFor(owner.get, (value) => !passing.includes(value.status ?? ""), {
      interval,
      timeout: left(),
      ...polls,
      signal,
      description: `${owner.what} status to settle`,
    });
  }
  return settled;
}

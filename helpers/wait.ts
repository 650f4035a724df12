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

import { OvirtError, TimeoutError } from "../transport/errors.ts";
import { delay } from "./delay.ts";

/** How often and how long to poll. */
export interface WaitOptions {
  /** Milliseconds between two polls (default 2000). */
  interval?: number;
  /** Milliseconds before giving up with a TimeoutError (default 600000, ten minutes). */
  timeout?: number;
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
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  }
  return String(value);
}

/**
 * Calls `getter` until `predicate` holds for its result, and resolves to that result.
 * Rejects with a {@link TimeoutError} naming the last state seen when `timeout` passes,
 * and with whatever `getter` rejects with (a vanished object is a NotFoundError).
 */
export async function waitFor<T>(
  getter: () => Promise<T>,
  predicate: (value: T) => boolean,
  options: WaitForOptions<T> = {},
): Promise<T> {
  const { interval = 2000, timeout = 600_000, signal, describe = describeDefault } = options;
  if (!(interval >= 0) || !(timeout >= 0)) {
    throw new OvirtError("waitFor: interval and timeout must be non-negative numbers");
  }
  const deadline = Date.now() + timeout;
  let last: { value: T } | undefined;
  while (true) {
    signal?.throwIfAborted();
    const value = await getter();
    if (predicate(value)) return value;
    last = { value };
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await delay(Math.min(interval, remaining), signal);
  }
  const what = options.description ? ` for ${options.description}` : "";
  throw new TimeoutError(
    `Timed out after ${timeout} ms waiting${what}; last seen: ${describe(last.value)}`,
  );
}

/** Anything with a `get()` resolving to an object with a `status`: VM, disk, host, ... */
export interface StatusSource<T extends { status?: string }> {
  /** Fetches the object. */
  get(): Promise<T>;
  /** Path of the service, used in messages. */
  readonly path: string;
}

/**
 * Polls `service.get()` until the object's `status` is `wanted` (or one of them), e.g.
 * a VM `up` or a disk `ok`, and resolves to the object.
 */
export function waitForStatus<T extends { status?: string }>(
  service: StatusSource<T>,
  wanted: NonNullable<T["status"]> | readonly NonNullable<T["status"]>[],
  options: WaitOptions = {},
): Promise<T> {
  const statuses: readonly string[] = typeof wanted === "string" ? [wanted] : wanted;
  return waitFor(
    () => service.get(),
    (value) => value.status !== undefined && statuses.includes(value.status),
    {
      ...options,
      description: options.description ?? `/${service.path} status ${statuses.join(" or ")}`,
    },
  );
}

/**
 * Following the engine's event log as an async iterator that can be resumed from
 * the last event seen.
 *
 * @example
 * ```ts
 * import { Connection, followEvents } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const eventsService = connection.systemService().eventsService();
 * for await (const event of followEvents(eventsService, { from: 1200, interval: 5000 })) {
 *   console.log(event.id, event.severity, event.description);
 * }
 * ```
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { delay } from "./delay.ts";
import type { Event } from "../types/event.ts";

/** The `list` options the follower uses: `EventsService.list` accepts them. */
export interface EventListOptions {
  /** Only events with an id greater than this. */
  from?: number;
  /** Search criteria. */
  search?: string;
  /** At most this many events per poll. */
  max?: number;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** The events collection (`connection.systemService().eventsService()`). */
export interface EventSource {
  /** Lists events. */
  list(options?: EventListOptions): Promise<Event[]>;
}

/** Where to start and how often to poll. */
export interface FollowEventsOptions {
  /** Yield only events whose id is greater than this (resume point); default: all. */
  from?: number;
  /** Milliseconds between polls when nothing new came (default 5000). */
  interval?: number;
  /** Search criteria, e.g. `severity=error`. */
  search?: string;
  /**
   * `max` of a poll's first request (default 500); when that many come back, the poll asks
   * again with twice as many, until the answer holds every new event.
   */
  max?: number;
  /** Ends the iteration (it returns; it does not throw). */
  signal?: AbortSignal;
}

interface Numbered {
  readonly event: Event;
  readonly id: number;
}

function eventId(event: Event): number {
  const id = Number(event.id);
  if (!Number.isSafeInteger(id)) {
    throw new OvirtError(`followEvents: event id ${JSON.stringify(event.id)} is not an integer`);
  }
  return id;
}

function checkOptions(options: FollowEventsOptions): void {
  const { from, interval, max } = options;
  if (from !== undefined && !Number.isSafeInteger(from)) {
    throw new OvirtError(`followEvents: from must be an integer, not ${from}`);
  }
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new OvirtError(`followEvents: max must be a positive integer, not ${max}`);
  }
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
    throw new OvirtError(
      `followEvents: interval must be a number of milliseconds, not ${interval}`,
    );
  }
}

/**
 * Every event newer than `from`, oldest first, each once. The engine answers newest first
 * and `max` keeps the newest, so an answer holding `max` events may have left older ones
 * out: the request is then repeated with a doubled `max` until the answer is not full
 * (one answer is one consistent read of the log, so nothing falls between two requests).
 */
async function newEvents(
  events: EventSource,
  from: number | undefined,
  search: string | undefined,
  first: number,
  signal: AbortSignal | undefined,
): Promise<Numbered[]> {
  for (let max = first;; max *= 2) {
    const batch = await events.list({
      ...(from === undefined ? {} : { from }),
      ...(search ? { search } : {}),
      max,
      ...(signal ? { signal } : {}),
    });
    // Fewer than asked: complete. More than asked: the engine ignored `max` (it does for
    // a filtered user's list without search), so complete too.
    if (batch.length !== max) {
      const byId = new Map<number, Event>();
      for (const event of batch) {
        const id = eventId(event);
        if (from === undefined || id > from) byId.set(id, event);
      }
      return [...byId].sort(([a], [b]) => a - b).map(([id, event]) => ({ id, event }));
    }
  }
}

/**
 * Yields every new event once, oldest first, polling `list({ from })` forever (until
 * `signal` aborts). Keep the `id` of the last event handled and pass it as `from` to
 * resume after a restart without losing or repeating events. A poll holds all the events
 * it found in memory before yielding the oldest (the engine sends the newest first).
 */
export async function* followEvents(
  events: EventSource,
  options: FollowEventsOptions = {},
): AsyncGenerator<Event, void, undefined> {
  checkOptions(options);
  const { interval = 5000, max = 500, search, signal } = options;
  let from = options.from;
  while (!signal?.aborted) {
    let fresh: Numbered[];
    try {
      fresh = await newEvents(events, from, search, max, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    for (const entry of fresh) {
      from = entry.id;
      yield entry.event;
      if (signal?.aborted) return;
    }
    if (fresh.length === 0) await delay(interval, signal);
  }
}

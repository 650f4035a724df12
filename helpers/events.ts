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
  /** At most this many events per poll (default 500). */
  max?: number;
  /** Ends the iteration (it returns; it does not throw). */
  signal?: AbortSignal;
}

function eventId(event: Event): number {
  const id = Number(event.id);
  if (!Number.isSafeInteger(id)) {
    throw new OvirtError(`followEvents: event id ${JSON.stringify(event.id)} is not an integer`);
  }
  return id;
}

/**
 * Yields every new event once, oldest first, polling `list({ from })` forever (until
 * `signal` aborts). Keep the `id` of the last event handled and pass it as `from` to
 * resume after a restart without losing or repeating events.
 */
export async function* followEvents(
  events: EventSource,
  options: FollowEventsOptions = {},
): AsyncGenerator<Event, void, undefined> {
  const { interval = 5000, max = 500, search, signal } = options;
  let from = options.from;
  if (from !== undefined && !Number.isSafeInteger(from)) {
    throw new OvirtError(`followEvents: from must be an integer, not ${from}`);
  }
  while (!signal?.aborted) {
    let batch: Event[];
    try {
      batch = await events.list({
        ...(from === undefined ? {} : { from }),
        ...(search ? { search } : {}),
        max,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    const fresh = batch
      .map((event) => ({ event, id: eventId(event) }))
      .filter((entry) => from === undefined || entry.id > from)
      .sort((a, b) => a.id - b.id);
    for (const entry of fresh) {
      from = entry.id;
      yield entry.event;
      if (signal?.aborted) return;
    }
    if (fresh.length < max) await delay(interval, signal);
  }
}

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
 * How far below the highest id yielded a poll asks again, at most (in ids), for events
 * whose id the engine made visible late (a transaction that took id 6 committed after the
 * one that took id 7): those are yielded once they show, if they are no further below.
 */
export const EVENT_OVERLAP = 100;

/**
 * For how many polls after an event came the polls ask again below it: a late event must
 * show within that many polls (15 s at the default interval). Once the log is quiet for as
 * many polls, a poll asks from the highest id yielded and brings nothing back.
 */
export const LATE_POLLS = 3;

/** Polls finding nothing new between two checks of the newest id (see {@link followEvents}). */
const RESTART_CHECK_EVERY = 10;

/**
 * Every event newer than `from` that `skip` does not name, oldest first, each once, and
 * the ids of `skip` (all above `from`) that are no longer in the log. The
 * engine answers newest first and `max` keeps the newest, so an answer holding `max` events
 * may have left older ones out: the request is then repeated with a doubled `max` until the
 * answer is not full (one answer is one consistent read of the log, so nothing falls
 * between two requests).
 */
async function newEvents(
  events: EventSource,
  from: number | undefined,
  skip: ReadonlySet<number>,
  search: string | undefined,
  first: number,
  signal: AbortSignal | undefined,
): Promise<{ fresh: Numbered[]; missing: number[] }> {
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
      const kept = new Set<number>();
      for (const event of batch) {
        const id = eventId(event);
        if (skip.has(id)) kept.add(id);
        else if (from === undefined || id > from) byId.set(id, event);
      }
      const fresh = [...byId].sort(([a], [b]) => a - b).map(([id, event]) => ({ id, event }));
      return { fresh, missing: [...skip].filter((id) => !kept.has(id)) };
    }
  }
}

/** The highest event id in the log (of every event, whatever the search); none when empty. */
async function newestId(
  events: EventSource,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const newest = await events.list({ max: 1, ...(signal ? { signal } : {}) });
  return newest.length === 0 ? undefined : Math.max(...newest.map(eventId));
}

/**
 * Yields every new event once, polling `list({ from })` forever (until `signal` aborts),
 * oldest first within a poll. Keep the highest `id` handled and pass it as `from` to resume
 * after a restart of your script without losing or repeating events. A poll holds all the
 * events it found in memory before yielding the oldest (the engine sends the newest first).
 *
 * "Once" covers, within one iteration: every event whose id is above `from` and that shows
 * up within {@link LATE_POLLS} (3) polls of a higher id's, no more than
 * {@link EVENT_OVERLAP} (100) ids below it; such a late event comes after the higher ids.
 * For that, a poll asks from where the highest id stood three polls before (never more than
 * 100 ids below it), and the ids yielded in that range are remembered so that none comes
 * twice. A later event is not yielded, nor one at or below `from`. A quiet log costs one
 * event a poll: the highest one yielded, asked again to see that it is still there.
 *
 * When the log's ids go back (the engine was restored from a backup or reinstalled, or a
 * simulator restarted), ids at or below those seen would never be yielded: so the newest
 * id of the log is checked (one request for one event) when a poll no longer finds an
 * event it yielded and asked for again, at the first poll that finds nothing new, and every
 * tenth one in a row after it. When that id is below the highest id yielded (or `from`),
 * the iteration goes on with the events logged after it, as if started then, forgetting
 * the ids it yielded: no error is thrown, so that a daemon keeps running. The events of the
 * new log up to that id are not yielded: usually none, as the check comes at the first poll
 * after the reset, but when nothing was yielded yet (a `from` of an earlier run) and the log
 * is reset while quiet, it may come up to ten polls late. An event
 * removed from the log (by a user, or the engine's cleanup) is taken for a reset only when
 * it was the newest; either way it is then forgotten.
 */
export async function* followEvents(
  events: EventSource,
  options: FollowEventsOptions = {},
): AsyncGenerator<Event, void, undefined> {
  checkOptions(options);
  const { interval = 5000, max = 500, search, signal } = options;
  let floor = options.from;
  let highest = floor;
  // Where the highest id stood at the start of the last polls, oldest first.
  const lately: (number | undefined)[] = [];
  const yielded = new Set<number>(); // ids yielded above where the polls ask from
  let idle = 0;
  while (!signal?.aborted) {
    const ask = askFrom(lately, highest, floor, yielded);
    lately.push(highest);
    if (lately.length > LATE_POLLS) lately.shift();
    let fresh: Numbered[];
    try {
      const found = await newEvents(events, ask, yielded, search, max + yielded.size, signal);
      fresh = found.fresh;
      const due = fresh.length === 0 && idle++ % RESTART_CHECK_EVERY === 0;
      if ((due || found.missing.length > 0) && highest !== undefined) {
        const newest = await newestId(events, signal);
        if (newest !== undefined && newest < highest) {
          floor = highest = newest;
          yielded.clear();
          lately.length = 0;
          idle = 0;
          continue;
        }
        for (const id of found.missing) yielded.delete(id); // removed, not reset: forgotten
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (fresh.length > 0) idle = 0;
    for (const entry of fresh) {
      yielded.add(entry.id);
      if (highest === undefined || entry.id > highest) highest = entry.id;
      yield entry.event;
      if (signal?.aborted) return;
    }
    if (fresh.length === 0) await delay(interval, signal);
  }
}

/**
 * Where a poll asks from: where the highest id stood {@link LATE_POLLS} polls ago (at most
 * {@link EVENT_OVERLAP} ids below it, never below `floor`), and below the highest id when
 * this iteration yielded it, to see that it is still there. Forgets the ids of `yielded`
 * at or below that point.
 */
function askFrom(
  lately: readonly (number | undefined)[],
  highest: number | undefined,
  floor: number | undefined,
  yielded: Set<number>,
): number | undefined {
  if (highest === undefined) return undefined;
  // A poll that started knowing no id (the first, without `from`) bounds nothing: the
  // overlap does. So the point only ever rises, and no id forgotten below it comes back.
  let ask = Math.max(lately[0] ?? -Infinity, highest - EVENT_OVERLAP, floor ?? -Infinity);
  if (yielded.has(highest)) ask = Math.min(ask, highest - 1);
  for (const id of yielded) if (id <= ask) yielded.delete(id);
  return ask;
}

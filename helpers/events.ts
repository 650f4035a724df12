/**
 * Following the engine's event log as an async iterator that can be resumed from
 * the last event seen, and that rides out engine restarts and resets of the log.
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
import { isTransient } from "./wait.ts";
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

/** Where to start, how often to poll, and who hears of an outage. */
export interface FollowEventsOptions {
  /**
   * Yield only events whose id is greater than this (resume point); `"latest"`: only events
   * newer than the newest one when the iteration starts; default: all.
   */
  from?: number | "latest";
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
  /**
   * Called with the error of the first failed poll of each outage (the engine unreachable,
   * not answering in time, or answering 5xx); polling goes on. Throw from it to end the
   * iteration with that error instead.
   */
  onOutage?: (error: OvirtError) => void;
}

interface Numbered {
  readonly event: Event;
  readonly id: number;
  /** The event's `time` in milliseconds, when it has one. */
  readonly time: number | undefined;
}

function numbered(event: Event): Numbered {
  const id = Number(event.id);
  if (!Number.isSafeInteger(id)) {
    throw new OvirtError(`followEvents: event id ${JSON.stringify(event.id)} is not an integer`);
  }
  const time = event.time?.getTime();
  return { event, id, time: Number.isFinite(time) ? time : undefined };
}

/** `value` as it was given, for a refusal: a number as is, anything else with its type. */
function shown(value: unknown): string {
  if (typeof value === "number" || value === null) return String(value);
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${text} (a ${typeof value})`;
}

function checkOptions(options: FollowEventsOptions): void {
  const { from, interval, max, onOutage } = options;
  if (from !== undefined && from !== "latest" && !Number.isSafeInteger(from)) {
    throw new OvirtError(`followEvents: from must be an integer or "latest", not ${shown(from)}`);
  }
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new OvirtError(`followEvents: max must be a positive integer, not ${shown(max)}`);
  }
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
    throw new OvirtError(
      `followEvents: interval must be a number of milliseconds, not ${shown(interval)}`,
    );
  }
  if (onOutage !== undefined && typeof onOutage !== "function") {
    throw new OvirtError("followEvents: onOutage must be a function");
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

/** The shortest wait after a failed poll, in milliseconds (see {@link followEvents}). */
export const FIRST_OUTAGE_WAIT = 1000;

/** The longest wait between two polls during an outage, in milliseconds, unless `interval` is longer. */
export const MAX_OUTAGE_WAIT = 30_000;

/** Whether a failed poll is an outage to ride out: a transient failure, or any 5xx answer. */
function isOutage(error: unknown): error is OvirtError {
  return isTransient(error) || (error instanceof OvirtError && (error.code ?? 0) >= 500);
}

/** What a poll found: the new events, and what became of the events it asked for again. */
interface Found {
  /** Events newer than the point asked from, not asked for again, oldest first. */
  readonly fresh: Numbered[];
  /** Ids asked for again that are no longer in the log. */
  readonly missing: number[];
  /** Ids asked for again that are still there. */
  readonly kept: ReadonlySet<number>;
  /** Whether an event asked for again came back with another `time`: another event. */
  readonly changed: boolean;
}

/**
 * Every event newer than `from` that `again` does not name, oldest first, each once, and
 * what became of the ids of `again` (all above `from`, with their times). The engine answers
 * newest first and `max` keeps the newest, so an answer holding `max` events may have left
 * older ones out: the request is then repeated with a doubled `max` until the answer is not
 * full (one answer is one consistent read of the log, so nothing falls between two requests).
 */
async function newEvents(
  events: EventSource,
  from: number | undefined,
  again: ReadonlyMap<number, number | undefined>,
  search: string | undefined,
  first: number,
  signal: AbortSignal | undefined,
): Promise<Found> {
  const batch = await complete(events, { from, search, signal }, first, () => false);
  const byId = new Map<number, Numbered>();
  const kept = new Set<number>();
  let changed = false;
  for (const entry of batch) {
    if (again.has(entry.id)) {
      kept.add(entry.id);
      const time = again.get(entry.id);
      if (time !== undefined && entry.time !== undefined && time !== entry.time) changed = true;
    } else if (from === undefined || entry.id > from) byId.set(entry.id, entry);
  }
  const fresh = [...byId.values()].sort((a, b) => a.id - b.id);
  return { fresh, missing: [...again.keys()].filter((id) => !kept.has(id)), kept, changed };
}

/**
 * The events of `list(options)`, asking with `max` doubled from `first` until the answer
 * is not full, or until `enough` holds for it.
 */
async function complete(
  events: EventSource,
  options: { from?: number; search?: string; signal?: AbortSignal },
  first: number,
  enough: (batch: readonly Numbered[]) => boolean,
): Promise<Numbered[]> {
  const { from, search, signal } = options;
  for (let max = first;; max *= 2) {
    const answer = await events.list({
      ...(from === undefined ? {} : { from }),
      ...(search ? { search } : {}),
      max,
      ...(signal ? { signal } : {}),
    });
    const batch = answer.map(numbered);
    // Fewer than asked: complete. More than asked: the engine ignored `max` (it does for
    // a filtered user's list without search), so complete too.
    if (batch.length !== max || enough(batch)) return batch;
  }
}

/** The newest event of the log (of every event, whatever the search); none when empty. */
async function newestEvent(
  events: EventSource,
  signal: AbortSignal | undefined,
): Promise<Numbered | undefined> {
  const newest = (await events.list({ max: 1, ...(signal ? { signal } : {}) })).map(numbered);
  return newest.reduce<Numbered | undefined>((a, b) => (a && a.id > b.id ? a : b), undefined);
}

/**
 * The state of one iteration: which ids it yields, which it asks for again, and the latest
 * time it saw in the log.
 */
class Follower {
  /** Ids at or below this are not yielded. */
  floor: number | undefined;
  /** The highest id yielded, or `floor`. */
  highest: number | undefined;
  /** The latest `time` of an event seen in the log (yielded, or the newest of a check). */
  latest: number | undefined;
  /** Where the highest id stood at the start of the last polls, oldest first. */
  readonly lately: (number | undefined)[] = [];
  /** Ids known in the log above where the polls ask from, with their times: asked again. */
  readonly again = new Map<number, number | undefined>();
  #started: boolean;

  constructor(
    readonly events: EventSource,
    readonly options: FollowEventsOptions & { max: number },
  ) {
    const { from } = options;
    this.#started = from !== "latest";
    if (typeof from === "number") this.floor = this.highest = from;
  }

  /** One poll: the events to yield, oldest first. */
  async poll(): Promise<Numbered[]> {
    const { events, options: { search, signal } } = this;
    if (!this.#started) { // from "latest": after the newest event of now
      const newest = await newestEvent(events, signal);
      this.#started = true;
      this.restartAt(newest);
      return [];
    }
    const ask = askFrom(this.lately, this.highest, this.floor, this.again);
    this.lately.push(this.highest);
    if (this.lately.length > LATE_POLLS) this.lately.shift();
    const first = this.options.max + this.again.size;
    const found = await newEvents(events, ask, this.again, search, first, signal);
    if (found.changed) return await this.reset(undefined);
    const highest = this.highest;
    const unconfirmed = found.fresh.length === 0 && highest !== undefined &&
      !found.kept.has(highest);
    if (found.missing.length > 0 || unconfirmed) {
      const newest = await newestEvent(events, signal);
      if (highest !== undefined && (newest === undefined || newest.id < highest)) {
        return await this.reset(newest);
      }
      for (const id of found.missing) this.again.delete(id); // removed, not reset: forgotten
      this.see(newest?.time);
      // Asked again by the next polls (whatever the search sees could leave it out).
      if (!search && newest && newest.id === highest) this.again.set(newest.id, newest.time);
    }
    return this.take(found.fresh);
  }

  /**
   * The log was reset: the events of the new log whose time is later than the latest one
   * seen, oldest first; polling goes on after them. Without a time seen, after `newest`.
   */
  async reset(newest: Numbered | undefined): Promise<Numbered[]> {
    const { events, options: { search, signal, max } } = this;
    const cutoff = this.latest;
    if (cutoff === undefined) {
      this.restartAt(newest);
      return [];
    }
    const old = (entry: Numbered) => entry.time === undefined || entry.time <= cutoff;
    // Read before anything is forgotten: should this fail, the next poll finds the reset again.
    const batch = await complete(events, { search, signal }, max, (batch) => batch.some(old));
    this.again.clear();
    this.lately.length = 0;
    const older = batch.filter(old).map((entry) => entry.id);
    this.floor = this.highest = older.length > 0 ? Math.max(...older) : undefined;
    const fresh = batch.filter((entry) => !old(entry)).sort((a, b) => a.id - b.id);
    return this.take(fresh);
  }

  /** Goes on after `newest` (none: from the start of the log), as if started now. */
  restartAt(newest: Numbered | undefined): void {
    this.again.clear();
    this.lately.length = 0;
    this.floor = this.highest = newest?.id;
    this.see(newest?.time);
    if (newest && !this.options.search) this.again.set(newest.id, newest.time);
  }

  /** Notes `fresh` as yielded; returns it. */
  take(fresh: Numbered[]): Numbered[] {
    for (const entry of fresh) {
      this.again.set(entry.id, entry.time);
      if (this.highest === undefined || entry.id > this.highest) this.highest = entry.id;
      this.see(entry.time);
    }
    return fresh;
  }

  /** Notes that the log held an event of `time`. */
  see(time: number | undefined): void {
    if (time !== undefined && (this.latest === undefined || time > this.latest)) {
      this.latest = time;
    }
  }
}

/**
 * Yields every new event once, polling `list({ from })` forever (until `signal` aborts),
 * oldest first within a poll. Keep the `id` of the last event handled (not the highest: after
 * a reset of the log the ids go back) and pass it as `from` to resume after a restart of your
 * script without losing or repeating events; `from: "latest"` starts after the newest event
 * of the log. A poll holds all the events it found in memory
 * before yielding the oldest (the engine sends the newest first).
 *
 * "Once" covers, within one iteration: every event whose id is above `from` and that shows
 * up within {@link LATE_POLLS} (3) polls of a higher id's, no more than
 * {@link EVENT_OVERLAP} (100) ids below it; such a late event comes after the higher ids.
 * For that, a poll asks from where the highest id stood three polls before (never more than
 * 100 ids below it), and the ids yielded in that range are asked for again so that none
 * comes twice. A later event is not yielded, nor one at or below `from`. A quiet log costs
 * one event a poll: the highest one yielded, asked again to see that it is still there.
 *
 * Outages: a poll that fails because the engine cannot be reached, does not answer in time
 * or answers 5xx (a restart, after the connection's own retries) is made again after a
 * wait: the first is `interval`, but at least {@link FIRST_OUTAGE_WAIT} (1 s), and each
 * further one doubles, up to {@link MAX_OUTAGE_WAIT} (30 s, or `interval` when longer).
 * `onOutage` hears of the first failure of each outage (any answer ends one). An address
 * that leads nowhere looks the same as an engine restarting. Any other failure (`AuthError`,
 * another 4xx, a certificate refused) ends the iteration with that error.
 *
 * Resets: when the log's ids go back (the engine was restored from a backup or
 * reinstalled, or a simulator restarted), the follower goes on with the events of the new
 * log whose `time` is later than the latest one it saw in the old log (by the engine's
 * clock), oldest first (by id), without an error, so that a daemon keeps running; the
 * events of the old log that the new one holds (a backup's) are not yielded again. A reset
 * is noticed when a poll that brings nothing new does not find the highest id yielded
 * again: then the newest id of the log is checked (one request for one event, whatever the
 * search) and a reset is when it is below the highest id yielded (or `from`, while nothing
 * was yielded: such polls make that check every time). It is noticed too when an event
 * asked for again comes back with another `time` (a new log that has grown past its id).
 * "The latest time seen" is that of the events yielded and of the newest events checked.
 * A reset found before the iteration saw any event's time (at its first poll, the log reset
 * while the script was not running) goes on after the newest event of the new log. An event
 * removed from the log (by a user, or the engine's cleanup) is taken for a reset only when it
 * was the newest (nothing is yielded again then); either way it is then forgotten. With a
 * `search`, before any matching event was yielded, a reset is noticed only while the new log's
 * newest id is below the old one's: matching events a restored engine logged below that id
 * before the next poll are not yielded.
 */
export async function* followEvents(
  events: EventSource,
  options: FollowEventsOptions = {},
): AsyncGenerator<Event, void, undefined> {
  checkOptions(options);
  const { interval = 5000, max = 500, signal, onOutage } = options;
  const follower = new Follower(events, { ...options, max });
  let wait = 0; // 0: no outage going on
  while (!signal?.aborted) {
    let fresh: Numbered[];
    try {
      fresh = await follower.poll();
      wait = 0;
    } catch (error) {
      if (signal?.aborted) return;
      if (!isOutage(error)) throw error;
      if (wait === 0) onOutage?.(error);
      const longest = Math.max(MAX_OUTAGE_WAIT, interval);
      wait = Math.min(wait === 0 ? Math.max(interval, FIRST_OUTAGE_WAIT) : wait * 2, longest);
      await delay(wait, signal);
      continue;
    }
    for (const entry of fresh) {
      yield entry.event;
      if (signal?.aborted) return;
    }
    if (fresh.length === 0) await delay(interval, signal);
  }
}

/**
 * Where a poll asks from: where the highest id stood {@link LATE_POLLS} polls ago (at most
 * {@link EVENT_OVERLAP} ids below it, never below `floor`), and below the highest id when
 * it is asked for again, to see that it is still there. Forgets the ids of `again` at or
 * below that point.
 */
function askFrom(
  lately: readonly (number | undefined)[],
  highest: number | undefined,
  floor: number | undefined,
  again: Map<number, number | undefined>,
): number | undefined {
  if (highest === undefined) return undefined;
  // A poll that started knowing no id (the first, without `from`) bounds nothing: the
  // overlap does. So the point only ever rises, and no id forgotten below it comes back.
  let ask = Math.max(lately[0] ?? -Infinity, highest - EVENT_OVERLAP, floor ?? -Infinity);
  if (again.has(highest)) ask = Math.min(ask, highest - 1);
  for (const id of again.keys()) if (id <= ask) again.delete(id);
  return ask;
}

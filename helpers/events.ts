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
import {
  type EventSource,
  type LogReader,
  newestEvent,
  type Numbered,
  readNewest,
} from "./events_read.ts";
import { isTransient } from "./wait.ts";
import type { Event } from "../types/event.ts";

export type { EventListOptions, EventSource } from "./events_read.ts";

/** Where to start, how often to poll, and who hears of an outage. */
export interface FollowEventsOptions {
  /**
   * Yield only events whose id is greater than this (resume point); `"latest"`: only events
   * newer than the newest one when the iteration starts; default: all. An event's `index`, as
   * read (`number | bigint`), fits as it is.
   */
  from?: number | bigint | "latest";
  /** Milliseconds between polls when nothing new came (default 5000). */
  interval?: number;
  /** Search criteria, e.g. `severity=error`. */
  search?: string;
  /**
   * How many events one request asks for (default 500): a poll reads the new events as pages
   * of that many (`page 2`, `page 3`... of the engine's search) until one comes back short.
   */
  max?: number;
  /**
   * Milliseconds a request may take (default 60 000, `Infinity`: no limit): one whose answer
   * has not come by then (an engine or proxy hung, a connection cut without a word) is given
   * up, and the poll counts as an outage. A request holds at most `max` events (plus up to
   * {@link EVENT_OVERLAP} asked again), so keep this well above the time the engine takes to
   * send that many.
   */
  requestTimeout?: number;
  /** Ends the iteration (it returns; it does not throw). */
  signal?: AbortSignal;
  /**
   * Called with the error of the first failed poll of each outage (the engine unreachable,
   * not answering in time, or answering 5xx); polling goes on. Throw from it to end the
   * iteration with that error instead.
   */
  onOutage?: (error: OvirtError) => void;
}

/** `value` as it was given, for a refusal: a number as is, anything else with its type. */
function shown(value: unknown): string {
  if (typeof value === "number" || value === null) return String(value);
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${text} (a ${typeof value})`;
}

/** Whether `value` is a `number` or `bigint` within ±(2^53 - 1), an event id. */
function isSafeInteger(value: unknown): boolean {
  return (typeof value === "number" || typeof value === "bigint") &&
    Number.isSafeInteger(Number(value));
}

function checkOptions(options: FollowEventsOptions): void {
  const { from, interval, max, onOutage, requestTimeout } = options;
  if (from !== undefined && from !== "latest" && !isSafeInteger(from)) {
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
  if (requestTimeout !== undefined && !(typeof requestTimeout === "number" && requestTimeout > 0)) {
    throw new OvirtError(
      `followEvents: requestTimeout must be a positive number of milliseconds, not ${
        shown(requestTimeout)
      }`,
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
 * For how long after an event came the polls ask again below it: for this many polls, and
 * this many times `interval` (15 s at the default interval), so that polls made back to
 * back while events keep coming do not cut it short. A late event must show within that
 * time. Once the log is quiet for as long, a poll asks from the highest id yielded and
 * brings nothing back.
 */
export const LATE_POLLS = 3;

/** The default `requestTimeout` of {@link followEvents}, in milliseconds. */
export const REQUEST_TIMEOUT = 60_000;

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
 * what became of the ids of `again` (all above `from`, with their times). Read as pages of
 * `size` events, newest first (see {@link readNewest}).
 */
async function newEvents(
  reader: LogReader,
  from: number | undefined,
  again: ReadonlyMap<number, number | undefined>,
  size: number,
): Promise<Found> {
  const batch = await readNewest(reader, from, size);
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

/** Where the highest id stood at the start of a poll, and when (`performance.now()`). */
interface Mark {
  readonly at: number;
  readonly highest: number | undefined;
}

/** The highest id and the latest time the follower had seen when it found the log reset. */
interface BeforeReset {
  readonly highest: number;
  readonly latest: number;
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
  /** Where the highest id stood at the start of the recent polls, oldest first. */
  readonly marks: Mark[] = [];
  /** Ids known in the log above where the polls ask from, with their times: asked again. */
  readonly again = new Map<number, number | undefined>();
  /** What the follower had seen before the last reset of the log. */
  before: BeforeReset | undefined;
  readonly reader: LogReader;
  #started: boolean;

  constructor(
    events: EventSource,
    readonly options: FollowEventsOptions & { max: number; interval: number },
    requestTimeout: number,
  ) {
    const { from, search, signal } = options;
    this.reader = { events, search, signal, requestTimeout };
    this.#started = from !== "latest";
    if (from !== undefined && from !== "latest") this.floor = this.highest = Number(from);
  }

  /** One poll: the events to yield, oldest first. */
  async poll(): Promise<Numbered[]> {
    const { reader, options: { search } } = this;
    if (!this.#started) { // from "latest": after the newest event of now
      const newest = await newestEvent(reader);
      this.#started = true;
      this.restartAt(newest);
      return [];
    }
    const ask = askFrom(this.lookBack(), this.highest, this.floor, this.again);
    this.marks.push({ at: performance.now(), highest: this.highest });
    const found = await newEvents(reader, ask, this.again, this.options.max + this.again.size);
    if (found.changed) return await this.reset(undefined);
    const highest = this.highest;
    const unconfirmed = found.fresh.length === 0 && highest !== undefined &&
      !found.kept.has(highest);
    if (found.missing.length > 0 || unconfirmed) {
      const newest = await newestEvent(reader);
      // No event at all (all removed, or hidden by the webadmin's "Clear All"): nothing tells
      // a new log from the old one yet; the polls go on as they were until the log holds one.
      if (newest === undefined) return [];
      if (highest !== undefined && newest.id < highest) return await this.reset(newest);
      for (const id of found.missing) this.again.delete(id); // removed, not reset: forgotten
      this.see(newest.time);
      // Asked again by the next polls (whatever the search sees could leave it out).
      if (!search && newest.id === highest) this.again.set(newest.id, newest.time);
    }
    return this.take(this.unseen(found.fresh));
  }

  /**
   * Where the highest id stood {@link LATE_POLLS} polls ago and at least `LATE_POLLS` times
   * `interval` ago (at the first poll kept, when none is that old); forgets older polls.
   */
  lookBack(): number | undefined {
    const { marks, options: { interval } } = this;
    const now = performance.now();
    for (let i = marks.length - LATE_POLLS; i >= 0; i--) {
      if (now - marks[i].at >= LATE_POLLS * interval) {
        marks.splice(0, i);
        break;
      }
    }
    return marks[0]?.highest;
  }

  /**
   * The log was reset: the events of the new log whose time is later than the latest one
   * seen, oldest first; polling goes on after them. Without a time seen, after `newest`.
   */
  async reset(newest: Numbered | undefined): Promise<Numbered[]> {
    const { reader, options: { max } } = this;
    const cutoff = this.latest;
    if (cutoff === undefined) {
      this.restartAt(newest);
      return [];
    }
    const old = (entry: Numbered) => entry.time === undefined || entry.time <= cutoff;
    // Read before anything is forgotten: should this fail, the next poll finds the reset again.
    const batch = await readNewest(reader, undefined, max, (read) => read.some(old));
    this.again.clear();
    this.marks.length = 0;
    if (this.highest !== undefined) {
      this.before = {
        highest: Math.max(this.highest, this.before?.highest ?? -Infinity),
        latest: cutoff,
      };
    }
    const older = batch.filter(old).map((entry) => entry.id);
    this.floor = this.highest = older.length > 0 ? Math.max(...older) : undefined;
    const fresh = batch.filter((entry) => !old(entry)).sort((a, b) => a.id - b.id);
    return this.take(fresh);
  }

  /**
   * `fresh` without the events of the log before the last reset that show again with their
   * ids and times (the webadmin's "Display All" after its "Clear All" had emptied the log):
   * those at or below the highest id seen then and not later than the latest time seen then.
   * The floor goes up to them, as for the old events a reset finds.
   */
  unseen(fresh: Numbered[]): Numbered[] {
    const { before } = this;
    if (!before) return fresh;
    const isOld = (entry: Numbered) =>
      entry.id <= before.highest && (entry.time === undefined || entry.time <= before.latest);
    const top = fresh.reduce(
      (high, entry) => isOld(entry) ? Math.max(high, entry.id) : high,
      -Infinity,
    );
    if (top === -Infinity) return fresh;
    this.floor = Math.max(this.floor ?? top, top);
    if (this.highest === undefined || this.highest < top) this.highest = top;
    return fresh.filter((entry) => !isOld(entry));
  }

  /** Goes on after `newest` (none: from the start of the log), as if started now. */
  restartAt(newest: Numbered | undefined): void {
    this.again.clear();
    this.marks.length = 0;
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
 * of the log. A poll reads the new events as pages of `max` (`page 2`, `page 3`... of the
 * engine's search, which pages its newest-first order) until one comes back short, so that
 * no answer has to hold a large backlog; it holds them all in memory before yielding the
 * oldest. A server that does not page the search (the engine for a user who is not an
 * administrator) is read with one answer instead, its `max` doubled until it is not full.
 *
 * "Once" covers, within one iteration: every event whose id is above `from` and that shows
 * up within {@link LATE_POLLS} (3) polls and 3 times `interval` (15 s by default) of a higher
 * id's, no more than {@link EVENT_OVERLAP} (100) ids below it; such a late event comes after
 * the higher ids. For that, a poll asks from where the highest id stood three polls and three
 * intervals before (polls follow each other at once while events keep coming; never more
 * than 100 ids below it), and the ids yielded in that range are asked for again so that none
 * comes twice. A later event is not yielded, nor one at or below `from`. A quiet log costs
 * one event a poll: the highest one yielded, asked again to see that it is still there.
 *
 * Outages: a poll that fails because the engine cannot be reached, does not answer in time
 * (within `requestTimeout`, 60 s by default, or the connection's own `timeout`), or answers
 * 5xx (a restart, after the connection's own retries) is made again after a
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
 * was the newest (nothing is yielded again then); either way it is then forgotten. A log
 * that holds no event at all (every event hidden by the webadmin's "Clear All") is not taken
 * for a new one: the polls go on as before until it holds events again. Events of the log
 * before a reset that show again with their ids and times (the webadmin's "Display All" after
 * a "Clear All" that kept only alerts) are not yielded again: those at or below the highest id
 * seen then (or `from`) and not later than the latest time seen then. With a
 * `search`, before any matching event was yielded, a reset is noticed only while the new log's
 * newest id is below the old one's: matching events a restored engine logged below that id
 * before the next poll are not yielded.
 */
export async function* followEvents(
  events: EventSource,
  options: FollowEventsOptions = {},
): AsyncGenerator<Event, void, undefined> {
  checkOptions(options);
  const { interval = 5000, max = 500, requestTimeout = REQUEST_TIMEOUT, signal, onOutage } =
    options;
  const follower = new Follower(events, { ...options, max, interval }, requestTimeout);
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
  lookBack: number | undefined,
  highest: number | undefined,
  floor: number | undefined,
  again: Map<number, number | undefined>,
): number | undefined {
  if (highest === undefined) return undefined;
  // A poll that started knowing no id (the first, without `from`) bounds nothing: the
  // overlap does. So the point only ever rises, and no id forgotten below it comes back.
  let ask = Math.max(lookBack ?? -Infinity, highest - EVENT_OVERLAP, floor ?? -Infinity);
  if (again.has(highest)) ask = Math.min(ask, highest - 1);
  for (const id of again.keys()) if (id <= ask) again.delete(id);
  return ask;
}

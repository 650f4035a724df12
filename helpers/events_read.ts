/**
 * How `followEvents` reads the event log: each request within a time limit, and the events
 * above an id in pieces (pages) of a bounded size, so that no single answer has to hold a
 * large backlog.
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { within } from "./delay.ts";
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

/** An event with its id as a number, and its time in milliseconds. */
export interface Numbered {
  /** The event as the engine sent it. */
  readonly event: Event;
  /** Its id. */
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

/** What the follower reads from, and how. */
export interface LogReader {
  /** The events collection. */
  readonly events: EventSource;
  /** The caller's search criteria. */
  readonly search: string | undefined;
  /** Ends the iteration. */
  readonly signal: AbortSignal | undefined;
  /** Milliseconds one request may take before it is given up as an outage. */
  readonly requestTimeout: number;
}

/** The largest value of the engine's 32-bit query integers. */
const MAX_INT = 2 ** 31 - 1;

/**
 * One `list` request, given up with a `TimeoutError` (an outage to the follower) when its
 * answer has not come within `requestTimeout`, whether or not the source heeds the signal.
 */
async function request(
  reader: LogReader,
  options: { from?: number; search?: string; max: number },
): Promise<Numbered[]> {
  const { search } = options;
  // The engine reads `from` and `max` as 32-bit integers and ignores one past that: asking
  // without `from` is the same (the follower keeps to ids above it), `max` is as large.
  const from = options.from !== undefined && options.from <= MAX_INT ? options.from : undefined;
  const max = Math.min(options.max, MAX_INT);
  const answer = await within(
    reader.requestTimeout,
    reader.signal,
    "followEvents: a request for events",
    (signal) =>
      reader.events.list({
        ...(from === undefined ? {} : { from }),
        ...(search ? { search } : {}),
        max,
        signal,
      }),
  );
  return answer.map(numbered);
}

/** The newest event of the log (of every event, whatever the search); none when empty. */
export async function newestEvent(reader: LogReader): Promise<Numbered | undefined> {
  const newest = await request(reader, { max: 1 });
  return newest.reduce<Numbered | undefined>((a, b) => (a && a.id > b.id ? a : b), undefined);
}

/** The caller's search with `page N` after it (the engine's paging: `max` is the page size). */
function paged(search: string | undefined, page: number): string | undefined {
  return page === 1 ? search : `${search ?? ""} page ${page}`.trim();
}

/**
 * Every event above `from` (all without it) that the search finds, each once, newest first:
 * read as pages of `size` (the engine sorts events by id, descending, and pages that
 * order), page after page until one comes back short or `enough` holds for what was read.
 * Events logged while the pages are read push older ones to later pages, so one may come
 * twice: it is kept once. A server that does not page (the first page again, or nothing
 * beyond the first page, as the engine answers a filtered user's search) is read with one
 * answer instead, its `max` doubled until it is not full.
 */
export async function readNewest(
  reader: LogReader,
  from: number | undefined,
  size: number,
  enough: (read: readonly Numbered[]) => boolean = () => false,
): Promise<Numbered[]> {
  const byId = new Map<number, Numbered>();
  const read = () => [...byId.values()].sort((a, b) => b.id - a.id);
  let firstPage = "", lastPage = "";
  for (let page = 1;; page++) {
    const batch = await request(reader, { from, search: paged(reader.search, page), max: size });
    const ids = batch.map((entry) => entry.id).join(",");
    if (page === 1) firstPage = ids;
    const again = ids === firstPage || ids === lastPage;
    lastPage = ids;
    let added = 0;
    for (const entry of batch) {
      if (!byId.has(entry.id)) added++, byId.set(entry.id, entry);
    }
    // More than asked: the engine ignored `max` (it does for a filtered user's list without
    // search), so this is all. Fewer: the last page, unless an empty page may be a server's
    // way of not paging.
    if (batch.length > size) return read();
    if (batch.length < size) {
      if (batch.length > 0 || page === 1 || await pagesWork(reader, from, (page - 1) * size)) {
        return read();
      }
      return merged(byId, await oneAnswer(reader, from, (page - 1) * size * 2, enough));
    }
    if (enough(read())) return read();
    // Nothing new: the first or the last page again is a server that does not page (events
    // logged after the first page shift what it sends); other events read before are older
    // ones pushed down by as many new ones logged meanwhile: read on.
    if (added === 0 && again) {
      return merged(byId, await oneAnswer(reader, from, page * size * 2, enough));
    }
  }
}

/**
 * Whether the server pages the search: whether the `count`th event is there when asked as
 * a page of one (a filtered user gets nothing beyond the first page). A `count` of 1 tells
 * nothing (it is the first page): then no.
 */
async function pagesWork(
  reader: LogReader,
  from: number | undefined,
  count: number,
): Promise<boolean> {
  if (count < 2) return false;
  const batch = await request(reader, { from, search: paged(reader.search, count), max: 1 });
  return batch.length > 0;
}

/** The events above `from` in one answer, asking with `max` doubled until it is not full. */
async function oneAnswer(
  reader: LogReader,
  from: number | undefined,
  first: number,
  enough: (read: readonly Numbered[]) => boolean,
): Promise<Numbered[]> {
  for (let max = first;; max *= 2) {
    const batch = await request(reader, { from, search: reader.search, max });
    if (batch.length !== max || enough(batch)) return batch;
  }
}

/** The entries of `byId` and `more`, each id once, newest first. */
function merged(byId: Map<number, Numbered>, more: readonly Numbered[]): Numbered[] {
  for (const entry of more) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/**
 * The event log: every change appends an event with the next integer id. `events`
 * lists the newest first, with `from=N` too (only events with a greater id): the engine
 * sorts events by id, descending, and `from` only adds `id > N` to the query, so `max`
 * keeps the newest ones. Every event's `index` is its id, as the engine's, so `from` takes an
 * event's `index`. An event a client adds keeps its origin, custom id and references.
 *
 * @module
 */

import { Refusal } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import { withReferences } from "../generic.ts";

const events: Behaviour = {
  list(call) {
    const all = call.engine.store.items("events").reverse();
    const from = call.query.get("from");
    if (from === null) return all;
    if (!/^-?[0-9]+$/.test(from)) {
      throw new Refusal(400, "Invalid value", `Invalid value for parameter from: ${from}`);
    }
    return all.filter((event) => Number(event.id) > Number(from));
  },
  add(call, body) {
    const { description, severity, code, ...rest } = body;
    const event = call.engine.event(
      typeof code === "number" ? code : 0,
      description as string,
      {},
      severity as "normal",
    );
    // What the caller sets (origin, custom id, the VM...) wins over the defaults, but for the
    // id and index the engine gives the new event.
    const given = withReferences(call.engine, "Event", rest);
    return call.engine.store.put("events", {
      ...event,
      ...given,
      id: event.id,
      index: event.index,
    });
  },
};

/** Behaviours of the event services, by service name. */
export const EVENT_BEHAVIOURS: Record<string, Behaviour> = { EventsService: events };

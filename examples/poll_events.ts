/**
 * Follows the engine's event log and prints new events as they come. The id of the last
 * event handled is kept in a file, so that a restarted script goes on where it stopped
 * without losing or repeating events; the first run (no file, or an empty one) starts from
 * the newest event. Stops after `--max-events` events or `--seconds` seconds (0: never).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write examples/poll_events.ts
 * [--index-file events.index] [--max-events 0] [--seconds 60] [--interval 5]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  followEvents,
  scriptArgs,
  type types,
} from "../mod.ts";
import { Refused } from "./lib/refused.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/poll_events.ts [--index-file events.index] [--max-events 0] [--seconds 60] [--interval 5]";

const { values, integer } = scriptArgs(USAGE, {
  "index-file": { type: "string", default: "events.index" },
  "max-events": { type: "string", default: "0" },
  seconds: { type: "string", default: "60" },
  interval: { type: "string", default: "5" },
});
const maxEvents = integer("max-events", values["max-events"], 0);
const seconds = integer("seconds", values.seconds, 0);
const interval = integer("interval", values.interval, 0);

const indexFile = String(values["index-file"]);

/**
 * The id kept by the last run; none when the file is missing or blank (created empty ahead
 * of the first run, or left empty by a write cut short): then the run starts from the newest
 * event, never from the start of the log.
 */
async function readIndex(): Promise<number | undefined> {
  let text: string;
  try {
    text = (await Deno.readTextFile(indexFile)).trim();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (text === "") return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new Refused(
      `${indexFile} holds ${JSON.stringify(text)}, not an event id: fix it, or empty it to ` +
        "start from the newest event",
    );
  }
  return Number(text);
}

function show(event: types.Event): void {
  console.log(`${event.id} ${event.time?.toISOString()} ${event.severity}: ${event.description}`);
}

await using connection = new Connection(connectionOptionsFromEnv());
const eventsService = connection.systemService().eventsService();

let from = await readIndex();
if (from === undefined) {
  // The newest event comes first: start from it.
  const [newest] = await eventsService.list({ max: 1 });
  if (newest) {
    show(newest);
    from = Number(newest.id);
    await Deno.writeTextFile(indexFile, String(from));
  }
}

const stop = new AbortController();
const signal = seconds > 0
  ? AbortSignal.any([stop.signal, AbortSignal.timeout(seconds * 1000)])
  : stop.signal;
let count = 0;
let last = from;
for await (
  const event of followEvents(eventsService, {
    from,
    interval: interval * 1000,
    signal,
  })
) {
  show(event);
  last = Number(event.id);
  await Deno.writeTextFile(indexFile, String(last));
  if (++count === maxEvents) stop.abort();
}
console.log(`Handled ${count} event(s); the next run starts after event ${last ?? "none"}`);

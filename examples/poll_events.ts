/**
 * Follows the engine's event log and prints new events as they come. The id of the last
 * event handled is kept in a file, so that a restarted script goes on where it stopped
 * without losing or repeating events; the first run starts from the newest event. Stops
 * after `--max-events` events or `--seconds` seconds (0: never).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write examples/poll_events.ts
 * [--index-file events.index] [--max-events 0] [--seconds 60] [--interval 5]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, followEvents, type types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/poll_events.ts [--index-file events.index] [--max-events 0] [--seconds 60] [--interval 5]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        "index-file": { type: "string", default: "events.index" },
        "max-events": { type: "string", default: "0" },
        seconds: { type: "string", default: "60" },
        interval: { type: "string", default: "5" },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();
const maxEvents = integer("max-events", values["max-events"], 0);
const seconds = integer("seconds", values.seconds, 0);
const interval = integer("interval", values.interval, 0);

const indexFile = String(values["index-file"]);

async function readIndex(): Promise<number | undefined> {
  try {
    return Number((await Deno.readTextFile(indexFile)).trim());
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
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

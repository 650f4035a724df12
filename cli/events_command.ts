/**
 * `ovirt events follow`: prints new events as they come (the SDK's `followEvents`), one
 * line each (`-o json`: one JSON object per line), until Ctrl-C; an engine outage (a
 * restart, or a request left unanswered for `followEvents`' own `requestTimeout`) is waited
 * out with one warning on standard error.
 *
 * @module
 */

import { followEvents } from "../mod.ts";
import type { Context } from "./context.ts";
import { errorLine, UsageError } from "./errors.ts";
import { type OptionSpec, type ParsedFlags, parseInterval } from "./options.ts";
import { cellText, checkColumns, plain, valueAt } from "./output/cells.ts";
import { printable } from "./output/printable.ts";

/** Help of `ovirt events follow`. */
export const FOLLOW_HELP =
  `Usage: ovirt events follow [--from ID] [--search TEXT] [--interval DURATION]

Prints new events as they come, oldest first, until Ctrl-C: one line each (time, severity,
id, description; -c chooses columns), or one JSON object per line with -o json. While the
engine cannot be reached, fails (5xx) or leaves a request unanswered for 60s (or for
--request-timeout), one warning goes to stderr and following resumes once it answers again
(waits between attempts grow to 30s). When the engine's event log
starts again (an engine restored from a backup, or reinstalled), the events it logged since
are shown, not the backup's.
--from ID starts after that event (resume where you stopped); by default only events
newer than the latest one are shown. --interval is the time between polls (default 5s).
`;

/** The flags of `ovirt events follow`. */
export const FOLLOW_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  from: { type: "string" },
  search: { type: "string" },
  interval: { type: "string" },
};

/** Runs `ovirt events follow`. */
export async function runFollow(context: Context, args: ParsedFlags): Promise<void> {
  const values = args.values as { from?: string; search?: string; interval?: string };
  const { positionals } = args;
  if (positionals.length > 0) {
    throw new UsageError(`ovirt events follow: unexpected argument "${positionals[0]}"`);
  }
  const format = context.output.format;
  if (format !== "table" && format !== "json") {
    throw new UsageError("ovirt events follow: -o must be table or json");
  }
  checkColumns(context.output, "Event");
  const interval = parseInterval(values.interval ?? "5s", "interval");
  const { connection } = await context.session();
  const { signal } = context;
  const events = connection.systemService().eventsService();
  const from = values.from === undefined ? undefined : eventId(values.from);
  const columns = context.output.columns ?? ["time", "severity", "id", "description"];
  // `--request-timeout` says how long a request may take (0: no limit); else the follower's
  // own limit.
  const { timeout } = context.requestFlags();
  const followed = followEvents(events, {
    from: from ?? "latest",
    interval,
    ...(timeout === undefined ? {} : { requestTimeout: timeout || Infinity }),
    signal,
    onOutage: (error) => {
      const line = `events follow: ${error.message}; retrying until the engine answers`;
      context.err(errorLine(`${line} (Ctrl-C to stop)`) + "\n");
    },
    ...(values.search ? { search: values.search } : {}),
  });
  for await (const event of followed) {
    context.out(
      format === "json"
        ? JSON.stringify(plain(event)) + "\n"
        : columns.map((column) => printable(cellText(valueAt(event, column)))).join("  ") + "\n",
    );
    // Each line out before the next event: a reader gone (`| head -1`) ends the command now.
    await context.flush();
  }
}

/** The event id `text` (`--from`): a whole number. */
function eventId(text: string): number {
  const id = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id)) {
    throw new UsageError(
      `ovirt events follow: --from: "${text}" is not an event id (a whole number)`,
    );
  }
  return id;
}

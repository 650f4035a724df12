/**
 * Following events across engine outages, for `ovirt events follow`: when the SDK's
 * `followEvents` gives up (the engine unreachable, or answering 5xx, while it restarts),
 * one warning is printed, and following resumes after the last event yielded, with waits
 * that grow up to {@link MAX_OUTAGE_WAIT} in between. Other failures (a session that is no
 * longer valid, a refused search) end it.
 *
 * @module
 */

import { ConnectionError, type EventSource, followEvents, OvirtError, type types } from "../mod.ts";
import { delay } from "../helpers/delay.ts";

/** The first wait after a failed poll, in milliseconds; each further one doubles it. */
export const FIRST_OUTAGE_WAIT = 1000;
/** The longest wait between attempts during an outage, in milliseconds. */
export const MAX_OUTAGE_WAIT = 30_000;

/** How to follow: `followEvents`'s options (`from` resumes), and where warnings go. */
export interface OutageFollowOptions {
  /**
   * Yield only events whose id is greater than this; without it, only events newer than the
   * latest one when following starts (asked for across an outage too).
   */
  from?: number;
  /** Milliseconds between polls. */
  interval: number;
  /** Search criteria. */
  search?: string;
  /** Ends the iteration (it returns). */
  signal: AbortSignal;
  /** Receives one line (no line break) at the start of each outage. */
  warn: (line: string) => void;
}

/** Whether `error` is an outage to wait out: the engine unreachable or failing (5xx). */
export function isOutage(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  return error instanceof OvirtError && error.code !== undefined && error.code >= 500;
}

/** Yields new events as `followEvents` does, until `signal` aborts, across outages. */
export async function* followThroughOutages(
  events: EventSource,
  options: OutageFollowOptions,
): AsyncGenerator<types.Event, void, undefined> {
  const { signal, warn } = options;
  let from = options.from;
  let wait = 0; // 0: no outage going on
  // Any answer ends the outage: the next one is warned about again, and waited for afresh.
  const source: EventSource = {
    list: async (listOptions) => {
      const answer = await events.list(listOptions);
      wait = 0;
      return answer;
    },
  };
  while (!signal.aborted) {
    try {
      let after = from ?? await latestId(source, signal);
      from = after;
      const polls = followEvents(source, {
        from: after,
        interval: options.interval,
        signal,
        ...(options.search ? { search: options.search } : {}),
      });
      for await (const event of polls) {
        from = after = Math.max(after, Number(event.id));
        yield event;
      }
    } catch (error) {
      if (!isOutage(error)) throw error;
      if (wait === 0) {
        const message = error instanceof Error ? error.message : String(error);
        warn(`events follow: ${message}; retrying until the engine answers (Ctrl-C to stop)`);
      }
      wait = wait === 0 ? FIRST_OUTAGE_WAIT : Math.min(wait * 2, MAX_OUTAGE_WAIT);
      await delay(wait, signal);
    }
  }
}

/** The id of the latest event (0 when there is none). */
async function latestId(events: EventSource, signal: AbortSignal): Promise<number> {
  const [latest] = await events.list({ max: 1, signal });
  return latest ? Number(latest.id) : 0;
}

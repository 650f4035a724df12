/**
 * `followEvents` against a log whose ids do not grow in order: an id made visible after a
 * higher one (yielded once, late), and ids that restart lower (engine restored or
 * reinstalled: the follower goes on with the new ids).
 */

import assert from "node:assert/strict";
import { Connection, followEvents } from "../mod.ts";
import { EVENT_OVERLAP, LATE_POLLS } from "../helpers/events.ts";

/**
 * The event log of a test: the ids visible, what each request asked (`from`, `max`) and
 * how many events it got, and what to do once an answer is made.
 */
interface EventLog {
  visible: number[];
  asked?: { from: string | null; max: string | null; got: number }[];
  afterAnswer?: (ids: number[], asked: { from: string | null; max: string | null }) => void;
}

/** A server of `/events` with `from` and `max`, newest first, of the ids in `visible`. */
function eventServer(state: EventLog) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const from = url.searchParams.get("from"), max = url.searchParams.get("max");
    const ids = state.visible.filter((id) => from === null || id > Number(from))
      .sort((a, b) => b - a).slice(0, max === null ? undefined : Number(max));
    state.asked?.push({ from, max, got: ids.length });
    state.afterAnswer?.(ids, { from, max });
    const xml = ids.map((id) => `<event id="${id}"><description>e${id}</description></event>`);
    return new Response(`<events>${xml.join("")}</events>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

/**
 * Follows from `from` (from the start without one), calling `script` as ids come; the ids
 * yielded, in order.
 */
async function follow(
  state: EventLog,
  from: number | undefined,
  script: (seen: number[]) => Promise<void>,
): Promise<number[]> {
  const { server, url } = eventServer(state);
  await using _server = server;
  await using connection = new Connection({ url, token: "T", retry: false });
  const seen: number[] = [];
  const controller = new AbortController();
  const following = (async () => {
    const events = connection.systemService().eventsService();
    for await (
      const event of followEvents(events, { from, interval: 10, signal: controller.signal })
    ) {
      seen.push(Number(event.id));
    }
  })();
  try {
    await script(seen);
  } finally {
    controller.abort();
    await following;
  }
  return seen;
}

/** Waits until `seen` holds `count` ids, or 5 s (then the comparison after it fails). */
async function until(seen: number[], count: number): Promise<void> {
  const end = performance.now() + 5000;
  while (seen.length < count && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("followEvents yields an id made visible after a higher one, once", async () => {
  for (const pollsLate of [1, LATE_POLLS - 1]) {
    const state: EventLog = { visible: [1, 2, 3, 4, 5, 7] };
    let answers = 0;
    state.afterAnswer = (ids) => {
      // 6 is committed late: `pollsLate` answers after the first one that held 7.
      if (answers > 0 || ids.includes(7)) answers++;
      if (answers === pollsLate + 1) state.visible.push(6);
    };
    const seen = await follow(state, 5, async (seen) => {
      await until(seen, 2);
      state.visible.push(8);
      await until(seen, 3);
      await pause(100); // polls asking below the highest id again
    });
    assert.deepEqual(seen, [7, 6, 8], `6 visible ${pollsLate} polls late`);
  }
});

Deno.test("followEvents without from: each event once, late ones too", async () => {
  for (const pollsLate of [1, LATE_POLLS - 1]) {
    const state: EventLog = { visible: [1, 2, 3, 4, 5, 7] };
    let answers = 0;
    state.afterAnswer = () => {
      if (++answers === pollsLate + 1) state.visible.push(6); // committed late
    };
    const seen = await follow(state, undefined, async (seen) => {
      await until(seen, 7);
      state.visible.push(8, 9, 10);
      await until(seen, 10);
      await pause(100); // polls asking below the highest id again
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 7, 6, 8, 9, 10], `6 visible ${pollsLate} polls late`);
  }
});

Deno.test("followEvents: a quiet log is asked for its highest id yielded, one event", async () => {
  const state: EventLog = { visible: [1, 2, 3, 4, 5], asked: [] };
  const seen = await follow(state, 5, async (seen) => {
    state.visible.push(6, 7, 8);
    await until(seen, 3);
    await pause(200);
  });
  assert.deepEqual(seen, [6, 7, 8]);
  // The polls after the last that asked below the events again (LATE_POLLS of them), not
  // counting the checks of the newest id.
  const polls = state.asked!.filter(({ from }) => from !== null);
  const lastLookBack = polls.findLastIndex(({ got }) => got > 1);
  const withAll = polls.slice(0, lastLookBack + 1).filter(({ got }) => got === 3);
  assert.equal(withAll.length, 1 + LATE_POLLS, "the poll that found them, then the look-backs");
  const quiet = polls.slice(lastLookBack + 1);
  assert.ok(quiet.length > 5, `${quiet.length} polls`);
  for (const { from, got } of quiet) assert.deepEqual({ from, got }, { from: "7", got: 1 });
});

Deno.test("followEvents: an event removed from the log is checked once, then forgotten", async () => {
  const state: EventLog = { visible: [1, 2, 3, 4, 5], asked: [] };
  const seen = await follow(state, 5, async (seen) => {
    state.visible.push(6, 7, 8);
    await until(seen, 3);
    state.visible = state.visible.filter((id) => id !== 7); // removed by a user
    await pause(200);
    state.visible.push(9);
    await until(seen, 4);
  });
  assert.deepEqual(seen, [6, 7, 8, 9]);
  const newestChecks = state.asked!.filter(({ from, max }) => from === null && max === "1");
  // Once for the removed event, and at the first quiet poll after each of the two bursts and
  // every tenth one in a row: not at each poll.
  const polls = state.asked!.length - newestChecks.length;
  assert.ok(newestChecks.length <= 3 + polls / 10, `${newestChecks.length} checks, ${polls} polls`);
});

Deno.test("followEvents skips a late id further below than the overlap, and at or below from", async () => {
  const state = { visible: [1, 2, 3, 4, 5] };
  const high = 10 + EVENT_OVERLAP;
  const seen = await follow(state, 5, async (seen) => {
    state.visible.push(high);
    await until(seen, 1);
    state.visible.push(9, 4); // 9: too far below; 4: at or below from
    await pause(100);
  });
  assert.deepEqual(seen, [high]);
});

Deno.test("followEvents goes on with new ids when the log's ids restart lower", async () => {
  const state: EventLog = { visible: [1, 2, 3, 4, 5] };
  const seen = await follow(state, 5, async (seen) => {
    state.visible.push(6, 7);
    await until(seen, 2);
    state.visible = [1, 2, 3]; // restored from an older backup
    // The follower finds out at its next poll, and asks for the newest id: new events after.
    state.afterAnswer = (_ids, { from, max }) => {
      if (from !== null || max !== "1") return;
      state.visible.push(4, 5);
      state.afterAnswer = undefined;
    };
    await until(seen, 4);
    await pause(100);
  });
  assert.deepEqual(seen, [6, 7, 4, 5]);
});

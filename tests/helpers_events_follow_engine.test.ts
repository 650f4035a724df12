/**
 * `followEvents` against a small server that answers `/events` as the engine does where the
 * simulator cannot show it: newest first, `from` keeping ids above it, `page N` of the
 * search paging that order with `max` as the page size, events marked deleted left out (the
 * webadmin's "Clear All" marks every event but alerts so, "Display All" unmarks them), an
 * event whose transaction commits late, and answers that take longer the more they hold.
 */

import assert from "node:assert/strict";
import { Connection, followEvents, type FollowEventsOptions } from "../mod.ts";
import { EVENT_OVERLAP } from "../helpers/events.ts";

/** One event of the log. */
interface Logged {
  id: number;
  time: number;
  severity: string;
  /** Hidden from the API ("Clear All"). */
  deleted?: boolean;
  /** Not visible before this `Date.now()` (its transaction commits late). */
  visibleAt?: number;
}

/** The log the server answers from, and how it answers. */
interface EngineLog {
  log: Logged[];
  /** Milliseconds every answer takes. */
  latency?: number;
  /** Milliseconds the answer takes per event it holds, on top. */
  msPerEvent?: number;
  /** Answer nothing for `page 2` and later (the engine does so for a filtered user). */
  firstPageOnly?: boolean;
  /** Answer the first page whatever `page` says (a server that does not page). */
  noPaging?: boolean;
  /** The `max` of every request. */
  asked: number[];
  /** Called before a request for page 2 or later is answered (events logged meanwhile). */
  beforePage?: () => void;
}

/** Adds an event with the next id, one second after the one before. */
function add(state: EngineLog, extra: Partial<Logged> = {}): number {
  const last = state.log.at(-1);
  const id = (last?.id ?? 0) + 1;
  state.log.push({ id, time: (last?.time ?? Date.parse("2026-01-01")) + 1000, severity: "normal" });
  Object.assign(state.log.at(-1)!, extra);
  return id;
}

/** Serves `state.log` as `/events`; the API URL. */
function engine(state: EngineLog) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const from = Number(url.searchParams.get("from") ?? -1);
    const max = Number(url.searchParams.get("max") ?? Infinity);
    const page = Number(/page (\d+)$/.exec(url.searchParams.get("search") ?? "")?.[1] ?? 1);
    state.asked.push(max);
    if (page > 1) state.beforePage?.();
    const now = Date.now();
    const visible = state.log.filter((event) =>
      !event.deleted && (event.visibleAt ?? 0) <= now && event.id > from
    ).sort((a, b) => b.id - a.id);
    const events = page > 1 && state.firstPageOnly
      ? []
      : state.noPaging
      ? visible.slice(0, max)
      : visible.slice((page - 1) * max, page * max);
    const took = (state.latency ?? 0) + events.length * (state.msPerEvent ?? 0);
    await new Promise((resolve) => setTimeout(resolve, took));
    const xml = events.map(({ id, time, severity }) =>
      `<event id="${id}"><description>e${id}</description><severity>${severity}</severity>` +
      `<time>${new Date(time).toISOString()}</time></event>`
    );
    return new Response(`<events>${xml.join("")}</events>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

/**
 * Follows `state` with `options` while `script` runs (on a connection whose calls give up
 * after `timeout` ms, when given); the ids yielded, in order, and the outages heard of.
 */
async function follow(
  state: EngineLog,
  options: FollowEventsOptions & { timeout?: number },
  script: (seen: number[]) => Promise<void>,
): Promise<{ seen: number[]; outages: number }> {
  const { server, url } = engine(state);
  await using _server = server;
  const { timeout, ...followOptions } = options;
  await using connection = new Connection({
    url,
    token: "T",
    retry: false,
    ...(timeout ? { timeout } : {}),
  });
  const seen: number[] = [];
  let outages = 0;
  const controller = new AbortController();
  const following = (async () => {
    const events = connection.systemService().eventsService();
    for await (
      const event of followEvents(events, {
        ...followOptions,
        signal: controller.signal,
        onOutage: () => void outages++,
      })
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
  return { seen, outages };
}

/** Waits until `seen` holds `count` ids, or `ms` (then the comparison after it fails). */
async function until(seen: number[], count: number, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (seen.length < count && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `first`..`last`. */
const range = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

Deno.test("followEvents catches up with a backlog in pages, each answer bounded", async () => {
  // 1 ms per event: an answer of the whole backlog (1,200 events) takes longer than the
  // connection's 300 ms; a page of 100 does not.
  const state: EngineLog = { log: [], msPerEvent: 1, asked: [] };
  for (let i = 0; i < 1210; i++) add(state);
  const { seen, outages } = await follow(
    state,
    { from: 10, max: 100, timeout: 300 },
    (seen) => until(seen, 1200, 15_000),
  );
  assert.deepEqual(seen, range(11, 1210));
  assert.equal(outages, 0, "no request timed out");
  // A page: `max`, and room for the ids asked for again (at most the overlap).
  const most = Math.max(...state.asked);
  assert.ok(most <= 100 + EVENT_OVERLAP, `max asked: ${most}`);
});

Deno.test("followEvents catches up in pages while a page's worth of events comes between two", async () => {
  // Between two page requests the log grows by a page or more: a page may then hold only
  // events read before (pushed down), which is no sign of a server that does not page.
  const state: EngineLog = { log: [], asked: [] };
  for (let i = 0; i < 510; i++) add(state);
  let storms = 6;
  state.beforePage = () => {
    if (storms-- > 0) { for (let i = 0; i < 120; i++) add(state); }
  };
  const { seen } = await follow(
    state,
    { from: 10, max: 100 },
    (seen) => until(seen, 1220, 15_000),
  );
  assert.deepEqual(seen, range(11, 1230));
  const most = Math.max(...state.asked);
  assert.ok(most <= 100 + EVENT_OVERLAP, `max asked: ${most} (one growing answer)`);
});

Deno.test("followEvents reads a server that does not page, an event logged after its first page", async () => {
  const state: EngineLog = { log: [], noPaging: true, asked: [] };
  for (let i = 0; i < 130; i++) add(state);
  let logged = false;
  state.beforePage = () => {
    if (!logged) logged = true, add(state);
  };
  const { seen } = await follow(state, { from: 100, max: 10 }, (seen) => until(seen, 31));
  assert.deepEqual(seen, range(101, 131));
  assert.ok(state.asked.length < 20, `${state.asked.length} requests`);
});

Deno.test("followEvents gets every event from a server that pages nothing beyond the first page", async () => {
  const state: EngineLog = { log: [], firstPageOnly: true, asked: [] };
  for (let i = 0; i < 260; i++) add(state);
  const { seen } = await follow(state, { from: 0, max: 100, interval: 10 }, async (seen) => {
    await until(seen, 260);
    for (let i = 0; i < 250; i++) add(state);
    await until(seen, 510);
  });
  assert.deepEqual(seen, range(1, 510));
});

Deno.test("followEvents does not yield again the events the webadmin's Clear All then Display All show again", async (t) => {
  for (const alert of [false, true]) {
    await t.step(
      alert ? "an alert kept by Clear All" : "no alert: the log looks empty",
      async () => {
        const state: EngineLog = { log: [], asked: [] };
        for (let i = 1; i <= 200; i++) {
          add(state, { severity: alert && i === 51 ? "alert" : "normal" });
        }
        const { seen } = await follow(state, { from: 200, interval: 20 }, async (seen) => {
          await pause(100);
          add(state), add(state), add(state);
          await until(seen, 3);
          for (const event of state.log) event.deleted = event.severity !== "alert"; // Clear All
          await pause(200);
          for (const event of state.log) event.deleted = false; // Display All
          await pause(200);
          add(state);
          await until(seen, 4);
          await pause(200);
        });
        assert.deepEqual(seen, [201, 202, 203, 204]);
      },
    );
  }
});

Deno.test("followEvents yields an event committed late while events keep coming", async () => {
  // A new event every 10 ms and answers in 30 ms: each poll brings new events, so the next
  // comes at once. Id 50 shows 300 ms after it was logged: well within 3 intervals (3 s),
  // but many polls later.
  const state: EngineLog = { log: [], latency: 30, asked: [] };
  for (let i = 0; i < 40; i++) add(state);
  const logging = setInterval(() => {
    if (state.log.length < 150) {
      add(state, state.log.length === 49 ? { visibleAt: Date.now() + 300 } : {});
    }
  }, 10);
  try {
    const { seen } = await follow(state, { from: 40, interval: 1000 }, async (seen) => {
      await until(seen, 110);
    });
    assert.ok(seen.includes(50), `50 not yielded: ${seen.slice(0, 20)}...`);
    assert.equal(new Set(seen).size, seen.length, "each once");
    assert.deepEqual([...seen].sort((a, b) => a - b), range(41, 150));
  } finally {
    clearInterval(logging);
  }
});

/**
 * `followEvents` across a reset of the event log: a simulator restarted on the same port
 * (a fresh log, lower ids), and an engine restored from a backup (a small server whose log
 * goes back to older events, with times). The events logged after the reset are yielded,
 * each once; those of the old log are not yielded again.
 */

import assert from "node:assert/strict";
import { Connection, followEvents, type FollowEventsOptions } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const password = "reset-pass";

function connect(sim: Simulator): Connection {
  return new Connection({ url: sim.url, username: sim.username, password });
}

/** Logs one event per description on `sim`. */
async function log(sim: Simulator, ...descriptions: string[]): Promise<void> {
  await using connection = connect(sim);
  for (const description of descriptions) {
    await connection.systemService().eventsService().add({
      description,
      severity: "normal",
      origin: "reset-test",
      customId: 1,
    });
  }
}

/** `id description` of every event of `sim`'s log, oldest first. */
async function logOf(sim: Simulator): Promise<string[]> {
  await using connection = connect(sim);
  const events = await connection.systemService().eventsService().list();
  return events.map((event) => `${event.id} ${event.description}`).reverse();
}

/** Resolves once `check()` holds, trying every 20 ms; fails after 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a simulator from `from` (a number: that many events below the newest), restarts it
 * on the same port once the follower has yielded them and polled a few times, and logs two
 * events on the new one at once, then one more: both logs, and what was yielded before and
 * after the restart.
 */
async function followRestart(
  from: number | "latest",
): Promise<{ oldLog: string[]; before: string[]; after: string[]; newLog: string[] }> {
  let sim = await startSimulator({ delay: 0, password });
  const port = Number(new URL(sim.url).port);
  await log(sim, "old 1", "old 2", "old 3");
  const oldLog = await logOf(sim);
  const newest = Number(oldLog.at(-1)!.split(" ")[0]);
  const seen: string[] = [];
  const controller = new AbortController();
  await using connection = connect(sim);
  const options: FollowEventsOptions = {
    from: from === "latest" ? from : newest - from,
    interval: 50,
    signal: controller.signal,
  };
  let failure: { error: unknown } | undefined;
  const following = (async () => {
    const events = connection.systemService().eventsService();
    for await (const event of followEvents(events, options)) {
      seen.push(`${event.id} ${event.description}`);
    }
  })().catch((error) => void (failure = { error }));
  /** Throws the follower's error if it ended with one. */
  const healthy = () => {
    if (failure) throw failure.error;
  };
  /** Whether `description` was yielded. */
  const yielded = (description: string) => {
    healthy();
    return seen.some((line) => line.endsWith(` ${description}`));
  };
  try {
    const old = from === "latest" ? 0 : from;
    await until(() => (healthy(), seen.length === old), "the old events");
    await pause(200); // a few quiet polls
    const before = [...seen];
    await sim.close();
    sim = await startSimulator({ delay: 0, password, port });
    await log(sim, "new 1", "new 2"); // before the follower's next poll
    await until(() => yielded("new 2"), "the new events");
    await log(sim, "new 3");
    await until(() => yielded("new 3"), "a later event");
    await pause(200); // nothing more comes
    healthy();
    return { oldLog, before, after: seen.slice(before.length), newLog: await logOf(sim) };
  } finally {
    controller.abort();
    await following;
    await sim.close();
  }
}

Deno.test("followEvents after a restart yields the new log's events, each once", async (t) => {
  await t.step("resumed with from, nothing yielded before the reset", async () => {
    const { before, after, newLog } = await followRestart(0);
    assert.deepEqual(before, []);
    assert.deepEqual(after, newLog);
  });
  await t.step("having yielded events before the reset", async () => {
    const { oldLog, before, after, newLog } = await followRestart(2);
    assert.deepEqual(before, oldLog.slice(-2));
    assert.deepEqual(after, newLog);
  });
  await t.step('from "latest"', async () => {
    const { before, after, newLog } = await followRestart("latest");
    assert.deepEqual(before, []);
    assert.deepEqual(after, newLog);
  });
});

/** A log entry of the restored-engine server: an id and its time. */
interface Logged {
  id: number;
  time: Date;
}

/** The log of the restored-engine server; `unavailable`: answer the next request without `from` 503. */
interface RestoredLog {
  log: Logged[];
  unavailable?: boolean;
}

/** A server of `/events` (`from`, `max`, newest first) of `state.log`, with times. */
function eventServer(state: RestoredLog) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const from = url.searchParams.get("from"), max = url.searchParams.get("max");
    if (from === null && state.unavailable) {
      state.unavailable = false;
      return new Response("restarting", { status: 503 });
    }
    const events = state.log.filter(({ id }) => from === null || id > Number(from))
      .sort((a, b) => b.id - a.id).slice(0, max === null ? undefined : Number(max));
    const xml = events.map(({ id, time }) =>
      `<event id="${id}"><description>e${id}</description><time>${time.toISOString()}</time></event>`
    );
    return new Response(`<events>${xml.join("")}</events>`, {
      headers: { "content-type": "application/xml" },
    });
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api` };
}

/** Ids `first`..`last` logged one second apart from `start`. */
function logged(first: number, last: number, start: number): Logged[] {
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    id: first + i,
    time: new Date(start + i * 1000),
  }));
}

Deno.test("followEvents after a restore from a backup yields only the events logged since", async (t) => {
  const then = Date.now() - 3_600_000;
  const cases = [
    { name: "the restored log's ids are below the highest id yielded", last: 8 },
    { name: "the restored log has grown past the highest id yielded", last: 13 },
    { name: "the same, and reading the new log fails once", last: 13, unavailable: true },
  ];
  for (const { name, last, unavailable } of cases) {
    await t.step(name, async () => {
      const state: RestoredLog = { log: logged(1, 10, then) };
      const { server, url } = eventServer(state);
      await using _server = server;
      await using connection = new Connection({ url, token: "T", retry: false });
      const seen: number[] = [];
      const controller = new AbortController();
      const following = (async () => {
        const events = connection.systemService().eventsService();
        for await (
          const event of followEvents(events, { from: 7, interval: 20, signal: controller.signal })
        ) {
          seen.push(Number(event.id));
        }
      })();
      try {
        await until(() => seen.length === 3, "the events before the restore");
        // The backup holds 1..6; the restored engine logs 7.. (later times) before a poll.
        const restored = logged(1, 6, then);
        const since = logged(7, last, Date.now());
        state.log = [...restored, ...since];
        state.unavailable = unavailable;
        await until(() => seen.length === 3 + since.length, "the events since the restore");
        await pause(150);
        assert.deepEqual(seen, [8, 9, 10, ...since.map(({ id }) => id)]);
      } finally {
        controller.abort();
        await following;
      }
    });
  }
});

/**
 * `followEvents` when one answer never comes (an engine or proxy hung, a connection cut
 * without a word): the request is given up after the follower's `requestTimeout` (60 s by
 * default, which `ovirt events follow` uses: not waited out here), `onOutage` hears of it
 * once, and the following goes on with the events logged meanwhile; on a connection without a
 * `timeout` of its own.
 */

import assert from "node:assert/strict";
import { Connection, followEvents, type OvirtError, TimeoutError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

/** Resolves once `check()` holds, trying every 50 ms; fails after `timeout` ms. */
async function until(check: () => boolean, what: string, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs an event with `description` through `connection`. */
async function log(connection: Connection, description: string): Promise<void> {
  await connection.systemService().eventsService().add({
    description,
    severity: "normal",
    origin: "stall-test",
    customId: 3,
  });
}

Deno.test("followEvents gives up a request whose answer never comes, as an outage", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const { url, username, password } = simulator;
  // One connection: the request given up must leave it free for the next polls.
  await using connection = new Connection({ url, username, password, connections: 1 });
  await using logger = new Connection({ url, username, password });
  const seen: string[] = [];
  const outages: OvirtError[] = [];
  const controller = new AbortController();
  const following = (async () => {
    const events = connection.systemService().eventsService();
    for await (
      const event of followEvents(events, {
        from: "latest",
        interval: 50,
        requestTimeout: 500,
        signal: controller.signal,
        onOutage: (error) => void outages.push(error),
      })
    ) {
      seen.push(event.description ?? "");
    }
  })();
  try {
    await pause(300);
    simulator.setFaults({ stallAnswerNext: 1 }); // the next poll's answer never begins
    await pause(200);
    for (const n of [1, 2, 3]) await log(logger, `after the stall ${n}`);
    // Each add logs the event and "Event N was added."
    const ours = () => seen.filter((description) => description.startsWith("after the stall"));
    await until(() => ours().length === 3, "the events after the stall", 10_000);
    assert.deepEqual(ours(), ["after the stall 1", "after the stall 2", "after the stall 3"]);
    assert.equal(seen.length, 6, seen.join("; "));
    assert.equal(outages.length, 1);
    assert.ok(outages[0] instanceof TimeoutError, String(outages[0]));
    assert.match(outages[0].message, /^followEvents: .* took longer than 500 ms/);
  } finally {
    controller.abort();
    await following;
  }
});

/**
 * `followEvents` across engine outages longer than a call's retries: the simulator stopped
 * (connections refused) and started again on the same port, and proxy errors. The follower
 * waits, tells `onOutage` once, and goes on; a refused login, or a throwing `onOutage`, ends
 * it with that error.
 */

import assert from "node:assert/strict";
import {
  AuthError,
  Connection,
  ConnectionError,
  followEvents,
  type FollowEventsOptions,
  OvirtError,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const password = "outage-pass";

/** Logs an event with `description` on `sim`. */
async function log(sim: Simulator, description: string): Promise<void> {
  await using connection = new Connection({ url: sim.url, username: sim.username, password });
  await connection.systemService().eventsService().add({
    description,
    severity: "normal",
    origin: "outage-test",
    customId: 2,
  });
}

/** Resolves once `check()` holds, trying every 20 ms; fails after 15 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A follower of `sim` (each call tried once: any outage outlasts its retries) from the
 * latest event; its descriptions, the errors `onOutage` heard of, and how it ended.
 */
function follower(sim: Simulator, options: Pick<FollowEventsOptions, "onOutage"> = {}) {
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password,
    retry: false,
  });
  const seen: string[] = [];
  const outages: OvirtError[] = [];
  const controller = new AbortController();
  const events = connection.systemService().eventsService();
  const ended = (async () => {
    for await (
      const event of followEvents(events, {
        from: "latest",
        interval: 20,
        signal: controller.signal,
        onOutage: options.onOutage ?? ((error) => void outages.push(error)),
      })
    ) {
      seen.push(event.description ?? "");
    }
  })();
  let failure: { error: unknown } | undefined;
  ended.catch((error) => void (failure = { error }));
  /** Whether `description` was yielded; throws the follower's error if it ended with one. */
  const yielded = (description: string) => {
    if (failure) throw failure.error;
    return seen.includes(description);
  };
  const stop = async () => {
    controller.abort();
    await ended.catch(() => {});
    await connection.close(false);
  };
  return { seen, outages, ended, yielded, stop };
}

Deno.test("followEvents goes on after the engine was down for longer than the retries", async () => {
  let sim = await startSimulator({ delay: 0, password });
  const port = Number(new URL(sim.url).port);
  const follow = follower(sim);
  try {
    await pause(100);
    await log(sim, "before");
    await until(() => follow.yielded("before"), "the event before the outage");
    await sim.close();
    await until(() => follow.outages.length > 0, "the outage");
    await pause(2500); // several failed polls
    sim = await startSimulator({ delay: 0, password, port });
    await log(sim, "after");
    await until(() => follow.yielded("after"), "the event after the outage");
    assert.equal(follow.outages.length, 1, "one outage, heard of once");
    assert.ok(follow.outages[0] instanceof ConnectionError, String(follow.outages[0]));
    assert.equal(follow.seen.filter((description) => description === "before").length, 1);
  } finally {
    await follow.stop();
    await sim.close();
  }
});

Deno.test("followEvents rides out proxy errors, each outage heard of once", async () => {
  await using sim = await startSimulator({ delay: 0, password });
  const follow = follower(sim);
  try {
    await pause(100);
    for (const round of [1, 2]) {
      sim.setFaults({ proxyErrorNext: 1 }); // the next poll is answered 502, 503 or 504
      await until(() => follow.outages.length === round, `outage ${round}`);
      await log(sim, `after ${round}`);
      await until(() => follow.yielded(`after ${round}`), `the event after outage ${round}`);
    }
    assert.deepEqual(follow.outages.map((error) => error.code! >= 500), [true, true]);
    assert.deepEqual(follow.seen.filter((description) => description.startsWith("after")), [
      "after 1",
      "after 2",
    ]);
  } finally {
    await follow.stop();
  }
});

Deno.test("followEvents ends with an AuthError when the restarted engine refuses the login", async () => {
  let sim = await startSimulator({ delay: 0, password });
  const port = Number(new URL(sim.url).port);
  const follow = follower(sim);
  try {
    await pause(100);
    await sim.close();
    sim = await startSimulator({ delay: 0, password: "another", port });
    await assert.rejects(follow.ended, AuthError);
  } finally {
    await follow.stop();
    await sim.close();
  }
});

Deno.test("followEvents ends with the error that onOutage throws", async () => {
  await using sim = await startSimulator({ delay: 0, password, proxyErrorNext: 1 });
  const follow = follower(sim, {
    onOutage: (error) => {
      throw error;
    },
  });
  try {
    await assert.rejects(
      follow.ended,
      (error) => error instanceof OvirtError && error.code! >= 500,
    );
  } finally {
    await follow.stop();
  }
});

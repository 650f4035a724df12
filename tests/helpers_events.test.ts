import assert from "node:assert/strict";
import { Connection, followEvents, OvirtError, type types } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

function connect(simulator: Simulator): Connection {
  return new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
}

/** Adds `count` external events, a few requests at a time. */
async function addEvents(events: { add(event: types.Event): Promise<unknown> }, count: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      await events.add({ description: `burst ${n}`, severity: "normal", origin: "t", customId: n });
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

/**
 * Follows from `from` until the event with id `last` came (or 20 s passed: then the
 * comparison fails); the ids in the order yielded.
 */
async function follow(
  events: Parameters<typeof followEvents>[0],
  from: number,
  last: number,
  max?: number,
): Promise<number[]> {
  const seen: number[] = [];
  const controller = new AbortController();
  for await (
    const event of followEvents(events, {
      from,
      interval: 5,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(20_000)]),
      ...(max ? { max } : {}),
    })
  ) {
    seen.push(Number(event.id));
    if (Number(event.id) >= last) controller.abort();
  }
  return seen;
}

Deno.test("followEvents yields every one of 1,934 new events once, oldest first", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = connect(simulator);
  const eventsService = connection.systemService().eventsService();
  const [newest] = await eventsService.list({ max: 1 });
  const from = Number(newest.id);
  await addEvents(eventsService, 967); // each add logs the event and "Event ... was added"
  const all = await eventsService.list({ from });
  assert.equal(all.length, 1934);
  assert.ok(Number(all[0].id) > Number(all[1].id), "the engine answers newest first");
  const expected = all.map((event) => Number(event.id)).sort((a, b) => a - b);
  const before = simulator.requestCount;
  const seen = await follow(eventsService, from, expected.at(-1)!);
  assert.deepEqual(seen, expected);
  // Four pages of 500 (no more): a catch-up costs few requests.
  assert.ok(simulator.requestCount - before <= 4, `${simulator.requestCount - before} requests`);
});

Deno.test("followEvents misses nothing while events keep coming, with a small max", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = connect(simulator);
  const eventsService = connection.systemService().eventsService();
  const [newest] = await eventsService.list({ max: 1 });
  const from = Number(newest.id);
  await addEvents(eventsService, 40);
  const seen: number[] = [];
  const controller = new AbortController();
  let added = false;
  for await (
    const event of followEvents(eventsService, {
      from,
      max: 3,
      interval: 5,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(20_000)]),
    })
  ) {
    seen.push(Number(event.id));
    if (!added) { // more arrive while the first catch-up is being handed out
      added = true;
      await addEvents(eventsService, 25);
    }
    if (seen.length === 130) controller.abort();
  }
  const all = (await eventsService.list({ from })).map((event) => Number(event.id));
  assert.equal(all.length, 130);
  assert.deepEqual(seen, all.sort((a, b) => a - b));
});

Deno.test("followEvents resumes after the last id handled without repeating it", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = connect(simulator);
  const eventsService = connection.systemService().eventsService();
  const [newest] = await eventsService.list({ max: 1 });
  const from = Number(newest.id);
  await addEvents(eventsService, 600);
  const ids = (await eventsService.list({ from })).map((event) => Number(event.id)).sort((a, b) =>
    a - b
  );
  const first = await follow(eventsService, from, ids[699]);
  assert.deepEqual(first, ids.slice(0, 700));
  const rest = await follow(eventsService, first.at(-1)!, ids.at(-1)!);
  assert.deepEqual(rest, ids.slice(700));
});

Deno.test("followEvents refuses a bad max or interval with an OvirtError", async () => {
  const source = { list: () => Promise.resolve([]) };
  for (const options of [{ max: 0 }, { max: 1.5 }, { interval: -1 }, { from: Number.NaN }]) {
    await assert.rejects(
      async () => {
        for await (const _ of followEvents(source, options)) { /* nothing */ }
      },
      (error) =>
        error instanceof OvirtError && /followEvents: (max|interval|from)/.test(error.message),
    );
  }
});

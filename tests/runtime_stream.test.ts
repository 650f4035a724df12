import assert from "node:assert/strict";
import { Connection, listStream, type OvirtError, TimeoutError } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";
import { startSimulator } from "../testing/mod.ts";

const encoder = new TextEncoder();

/**
 * A fake engine whose `vms` answer is a stream the test feeds: `send(text)` adds to it
 * (what is sent before the request arrives waits for it), `end()` ends it; `cancelled` tells
 * whether the client let go of it early.
 */
async function streamingEngine() {
  const state = { cancelled: false };
  const waiting: (string | null)[] = ["<vms>"];
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const feed = (text: string | null) => {
    if (controller === undefined) waiting.push(text);
    else if (text === null) controller.close();
    else controller.enqueue(encoder.encode(text));
  };
  const engine = await startFakeEngine({
    api: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(started) {
            controller = started;
            for (const text of waiting.splice(0)) feed(text);
          },
          cancel() {
            state.cancelled = true;
          },
        }),
        { headers: { "content-type": "application/xml" } },
      ),
  });
  const connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    correlationId: "stream-test",
    listWorker: false,
  });
  return {
    engine,
    vms: connection.systemService().vmsService(),
    state,
    send: (text: string) => feed(text),
    end: () => feed(null),
    async [Symbol.asyncDispose]() {
      await connection.close();
      await engine.close();
    },
  };
}

/** Resolves once `check()` holds, looking again every few milliseconds (at most 5 s). */
async function eventually(check: () => boolean): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    assert.ok(tries < 500, "never happened");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("listStream: the request leaves at the first next(), not before", async () => {
  await using fake = await streamingEngine();
  const items = listStream(fake.vms)[Symbol.asyncIterator]();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fake.engine.requests.length, 0);
  fake.send('<vm id="1"/>');
  assert.equal(((await items.next()).value as { id: string }).id, "1");
  assert.equal(fake.engine.requests.length, 1);
  fake.send('<vm id="2"/></vms>');
  fake.end();
  assert.equal(((await items.next()).value as { id: string }).id, "2");
  assert.equal((await items.next()).done, true);
  assert.equal((await items.next()).done, true, "still done after the end");
});

Deno.test("listStream: stopping before the first item sends nothing", async () => {
  await using fake = await streamingEngine();
  const items = listStream(fake.vms)[Symbol.asyncIterator]();
  assert.equal((await items.return!()).done, true);
  assert.equal((await items.next()).done, true);
  assert.equal(fake.engine.requests.length, 0);
});

Deno.test("listStream: a malformed item ends the iteration, located, and lets the body go", async () => {
  await using fake = await streamingEngine();
  const items = listStream(fake.vms)[Symbol.asyncIterator]();
  fake.send('\n<vm id="1"/>\n');
  await items.next();
  fake.send('<vm id="2"></nic></vms>');
  await assert.rejects(items.next(), (error: OvirtError) => {
    assert.match(error.message, /line 3/);
    assert.equal(error.correlationId, "stream-test");
    return true;
  });
  await eventually(() => fake.state.cancelled);
  assert.equal((await items.next()).done, true, "done after a failure");
});

Deno.test("listStream: the timeout covers the reading of the whole iteration and names the call", async () => {
  await using engine = await startFakeEngine({
    api: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(encoder.encode('<vms><vm id="1"/>')),
        }),
        { headers: { "content-type": "application/xml" } },
      ),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 300,
    correlationId: "slow-list",
  });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const vm of listStream(connection.systemService().vmsService())) {
      seen.push(vm.id!);
    }
  }, (error: OvirtError) => {
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.correlationId, "slow-list");
    return true;
  });
  assert.deepEqual(seen, ["1"]);
});

Deno.test("listStream: the time the loop works on its items is not counted against the timeout", async () => {
  const vms = Array.from({ length: 4 }, (_, i) => `<vm id="${i}"/>`).join("");
  await using engine = await startFakeEngine({
    api: () =>
      new Response(`<vms>${vms}</vms>`, { headers: { "content-type": "application/xml" } }),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 300,
  });
  const seen: string[] = [];
  const started = performance.now();
  for await (const vm of listStream(connection.systemService().vmsService())) {
    seen.push(vm.id!);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the loop's own work
  }
  assert.deepEqual(seen, ["0", "1", "2", "3"]);
  assert.ok(performance.now() - started >= 600, "the loop ran past the timeout");
});

Deno.test("listStream: a break lets the body go", async () => {
  await using fake = await streamingEngine();
  fake.send('<vm id="1"/><vm id="2"/>');
  for await (const _vm of listStream(fake.vms)) break;
  await eventually(() => fake.state.cancelled);
});

Deno.test("listStream: the call's deadline ends with the iteration, read to the end or stopped", async () => {
  await using engine = await startFakeEngine({
    api: () =>
      new Response('<vms><vm id="1"/><vm id="2"/></vms>', {
        headers: { "content-type": "application/xml" },
      }),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 60_000,
  });
  const vms = connection.systemService().vmsService();
  // The deadline follows the caller's signal until it is over: count who listens.
  const { signal } = new AbortController();
  let listening = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
    listening++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
    listening--;
    remove(...args);
  };
  const ids: string[] = [];
  for await (const vm of listStream(vms, { signal })) ids.push(vm.id!);
  assert.deepEqual(ids, ["1", "2"]);
  assert.equal(listening, 0, "read to the end");
  for await (const _vm of listStream(vms, { signal })) break;
  assert.equal(listening, 0, "stopped early");
});

Deno.test("listStream: calls made inside the loop do not wait for it, even with connections: 1", async () => {
  // 400 VMs make a list answer of more than 1 MiB, after which lists go through the list
  // worker (where the process may use two CPUs): both ways are tried.
  await using sim = await startSimulator({ delay: 0, vms: 400 });
  // The node:http transport of `insecure` (which keeps lists on this thread) too.
  for (const [listWorker, insecure] of [[false, false], [true, false], [false, true]]) {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      connections: 1,
      timeout: 20_000,
      listWorker,
      insecure,
    });
    const vms = connection.systemService().vmsService();
    assert.equal((await vms.list()).length, 400);
    // Twice: the worker, started by the first long list, is ready by the second loop.
    for (const round of [1, 2]) {
      const names: string[] = [];
      for await (const vm of listStream(vms)) {
        // Each call needs the connection's only slot, which the loop's request holds.
        names.push((await vms.vmService(vm.id!).get()).name!);
      }
      assert.equal(
        names.length,
        400,
        `listWorker: ${listWorker}, insecure: ${insecure}, round ${round}`,
      );
    }
    // The slot is the stream's again once the loop has ended: calls go one at a time.
    const [first, second] = await Promise.all([vms.list({ max: 1 }), vms.list({ max: 2 })]);
    assert.deepEqual([first.length, second.length], [1, 2]);
  }
});

Deno.test("listStream: streams started at once keep to twice the connections cap", async () => {
  await using sim = await startSimulator({ delay: 0, tls: false });
  // On this thread a stream's answer is read as its loop asks for items, so a loop still
  // reading is a request in flight (the list worker reads a short answer whole at once, and
  // gives its place back then, while the loop goes on).
  {
    const listWorker = false;
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      connections: 2,
      listWorker,
    });
    const vms = connection.systemService().vmsService();
    await vms.list({ max: 1 }); // logged in
    let reading = 0, most = 0;
    await Promise.all(Array.from({ length: 12 }, async () => {
      let started = false;
      for await (const _vm of listStream(vms)) {
        if (!started) most = Math.max(most, ++reading);
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 5)); // the loop's own work
      }
      reading--;
    }));
    // Each slot of the cap may be lent to one other stream while its loop works: twice the cap.
    assert.ok(most <= 4, `listWorker: ${listWorker}: ${most} list answers read at once`);
  }
});

Deno.test("listStream: two streams read side by side finish, even with connections: 1", async () => {
  await using sim = await startSimulator({ delay: 0, tls: false });
  for (const listWorker of [false, true]) {
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      connections: 1,
      timeout: 20_000,
      listWorker,
    });
    const vms = connection.systemService().vmsService();
    const up = listStream(vms, { search: "sortby name asc" })[Symbol.asyncIterator]();
    const down = listStream(vms, { search: "sortby name desc" })[Symbol.asyncIterator]();
    let pairs = 0;
    for (;;) {
      const [a, b] = await Promise.all([up.next(), down.next()]);
      if (a.done || b.done) break;
      // A call made meanwhile, too.
      assert.equal((await vms.vmService(a.value.id!).get()).id, a.value.id);
      pairs++;
    }
    assert.equal(pairs, 20, `listWorker: ${listWorker}`);
  }
});

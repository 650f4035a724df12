import assert from "node:assert/strict";
import { Connection, DEFAULT_CONNECTIONS } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** A fake engine that holds each API request briefly and records the most held at once. */
async function countingEngine() {
  let inFlight = 0;
  const stats = { max: 0, total: 0 };
  const engine = await startFakeEngine({
    api: async () => {
      inFlight++;
      stats.total++;
      stats.max = Math.max(stats.max, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return xml("<vms><vm id='1'/></vms>");
    },
  });
  return { engine, stats };
}

/**
 * Makes `calls` concurrent `list()` calls through a connection with `connections` (the
 * default when undefined) and resolves to the engine's counts.
 */
async function concurrentLists(calls: number, connections?: number) {
  const { engine, stats } = await countingEngine();
  await using _engine = engine;
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    ...(connections === undefined ? {} : { connections }),
  });
  const vms = connection.systemService().vmsService();
  await Promise.all(Array.from({ length: calls }, () => vms.list()));
  return stats;
}

Deno.test("connections: 200 concurrent calls never exceed the cap", async () => {
  const stats = await concurrentLists(200, 5);
  assert.equal(stats.total, 200);
  assert.equal(stats.max, 5);
});

Deno.test("connections: the default cap holds too", async () => {
  assert.equal((await concurrentLists(100)).max, DEFAULT_CONNECTIONS);
});

Deno.test("connections: a slot is freed by failures as well", async () => {
  await using engine = await startFakeEngine({
    api: () => new Response("", { status: 404 }),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 1,
  });
  const vm = connection.systemService().vmsService().vmService("gone");
  for (let i = 0; i < 5; i++) await assert.rejects(vm.get());
});

Deno.test("connections: a negative or fractional cap is refused, naming the option", () => {
  for (const connections of [-1, 1.5, Number.NaN, "4" as unknown as number]) {
    assert.throws(
      () => new Connection({ url: "https://e/ovirt-engine/api", token: "t", connections }),
      (error: Error) => error instanceof OvirtError && /The connections option/.test(error.message),
    );
  }
});

Deno.test("connections: 0 means no limit, as in the Python SDK", async () => {
  const stats = await concurrentLists(3 * DEFAULT_CONNECTIONS, 0);
  assert.ok(stats.max > DEFAULT_CONNECTIONS, `${stats.max} in flight at most`);
});

/**
 * The simulator's fault injection through the SDK: latency, seeded 5xx failures,
 * connections dropped mid-body, stalled bodies, and switching faults while running.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, TimeoutError } from "../mod.ts";
import { type SimulatorOptions, startSimulator } from "../testing/mod.ts";

async function connect(options: SimulatorOptions, timeout?: number) {
  const sim = await startSimulator({ empty: true, ...options });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    timeout,
  });
  return {
    sim,
    tags: connection.systemService().tagsService(),
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
    },
  };
}

Deno.test("simulator: latency delays every API answer", async () => {
  await using env = await connect({ latency: 120 });
  const begin = performance.now();
  await env.tags.list();
  assert.ok(performance.now() - begin >= 120);
});

Deno.test("simulator: failureRate answers with 5xx errors, switchable while running", async () => {
  await using env = await connect({ failureRate: 1 });
  await assert.rejects(env.tags.list(), (error: OvirtError) => {
    assert.ok(error instanceof OvirtError);
    assert.ok(error.code === 500 || error.code === 503, `code ${error.code}`);
    return true;
  });
  env.sim.setFaults({ failureRate: 0 });
  assert.equal((await env.tags.list()).length, 1);
  assert.ok(env.sim.requestCount >= 2);
});

Deno.test("simulator: injected failures follow the seed", async () => {
  const outcomes = async (seed: number) => {
    await using env = await connect({ failureRate: 0.5, seed });
    const results: boolean[] = [];
    for (let i = 0; i < 24; i++) results.push(await env.tags.list().then(() => true, () => false));
    return results;
  };
  const first = await outcomes(7);
  assert.deepEqual(await outcomes(7), first);
  assert.ok(first.includes(true) && first.includes(false));
});

Deno.test("simulator: a connection dropped mid-body rejects the call", async () => {
  await using env = await connect({ dropConnection: 1 });
  await assert.rejects(env.tags.list(), OvirtError);
  env.sim.setFaults({ dropConnection: 0 });
  assert.equal((await env.tags.list()).length, 1);
});

Deno.test("simulator: a stalled body runs into the client's timeout", async () => {
  await using env = await connect({ stall: 1 }, 300);
  await assert.rejects(env.tags.list(), TimeoutError);
});

Deno.test("simulator: close() ends stalled answers", async () => {
  const sim = await startSimulator({ empty: true, stall: 1 });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const pending = connection.systemService().tagsService().list();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await sim.close();
  await assert.rejects(pending, OvirtError);
  await connection.close(false);
});

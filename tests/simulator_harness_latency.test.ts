/**
 * The simulator's `latency` fault ends when the client goes away or the simulator closes:
 * the request is then not carried out, and `close()` does not wait out the latency.
 */

import assert from "node:assert/strict";
import { Connection, TimeoutError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("simulator latency: a client that gave up has its add dropped, not carried out later", async () => {
  await using sim = await startSimulator({ empty: true, delay: 0 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    timeout: 200,
  });
  await connection.authenticate();
  sim.setFaults({ latency: 1_000 });
  const tags = connection.systemService().tagsService();
  await assert.rejects(tags.add({ name: "late" }), TimeoutError);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the latency
  sim.setFaults({ latency: undefined });
  assert.equal(sim.addCount("late"), 0, "the add never reached the engine");
  const names = (await tags.list()).map((tag) => tag.name);
  assert.ok(!names.includes("late"), `no tag "late" was made: ${names}`);
});

Deno.test("simulator latency: close() ends a request still waiting out its latency, which is not carried out", async () => {
  const sim = await startSimulator({ empty: true, delay: 0 });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  await connection.authenticate();
  sim.setFaults({ latency: 20_000 });
  const adding = connection.systemService().tagsService().add({ name: "late" }).then(
    () => "added",
    (error: Error) => error.name,
  );
  await new Promise((resolve) => setTimeout(resolve, 100)); // the add waits in the simulator
  const started = performance.now();
  await sim.close();
  const took = performance.now() - started;
  assert.ok(took < 3_000, `close() took ${Math.round(took)} ms`);
  assert.notEqual(await adding, "added");
  assert.equal(sim.addCount("late"), 0, "the add never reached the engine");
  await connection.close(false);
});

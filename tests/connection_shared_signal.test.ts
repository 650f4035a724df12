/**
 * Many calls sharing one abort signal (one `AbortSignal.timeout()` for a whole batch) add one
 * listener to it between them, not one each: Deno looks through a signal's listeners at each
 * `addEventListener`, so 20,000 queued calls took seconds only to start.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("calls sharing a signal add one listener to it between them, and all obey it", async () => {
  await using sim = await startSimulator({ delay: 0, tls: false, latency: 200 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    connections: 2,
  });
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ max: 1 });
  for (const timeout of [0, 60_000]) {
    const controller = new AbortController();
    const { signal } = controller;
    let added = 0;
    const add = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      return add(...args);
    }) as AbortSignal["addEventListener"];
    await using timed = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      connections: 2,
      timeout,
    });
    const calls = Array.from(
      { length: 200 },
      () => timed.systemService().vmsService().vmService(vm.id!).get({ signal }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // two sent, the rest queued
    controller.abort(new Error("enough"));
    const settled = await Promise.allSettled(calls);
    assert.ok(added <= 1, `timeout ${timeout}: ${added} listeners added to the shared signal`);
    const aborted = settled.filter((result) => result.status === "rejected");
    assert.ok(aborted.length >= 198, `timeout ${timeout}: ${aborted.length} calls aborted`);
  }
});

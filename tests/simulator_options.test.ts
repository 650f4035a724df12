/**
 * `startSimulator` and `setFaults` refuse options that make no sense, naming them, before
 * anything starts: a test that passes a wrong value learns why at once, not from a simulator
 * that behaves oddly (or, for a huge `vms`, runs out of memory).
 */

import assert from "node:assert/strict";
import { type SimulatorOptions, startSimulator } from "../testing/mod.ts";

Deno.test("simulator options: each wrong value is refused with its name", async () => {
  const wrong: [SimulatorOptions, RegExp][] = [
    [{ vms: -1 }, /vms must be a whole number from 0 to 100000, not -1/],
    [{ vms: 1.5 }, /vms must be a whole number/],
    [{ vms: 2e9 }, /vms must be a whole number from 0 to 100000, not 2000000000/],
    [{ vms: "3" as unknown as number }, /vms must be a whole number/],
    [{ delay: -5 }, /delay must be a number of milliseconds/],
    [{ delay: NaN }, /delay must be a number of milliseconds/],
    [{ tokenLifetime: 0 }, /tokenLifetime must be a number of milliseconds/],
    [{ port: 99999 }, /port must be a whole number from 0 to 65535/],
    [{ seed: Infinity }, /seed must be a whole number from 0 to 4294967295, not Infinity/],
    [{ seed: 1.5 }, /seed must be a whole number from 0 to 4294967295, not 1\.5/],
    [{ seed: 2 ** 32 + 1 }, /seed must be a whole number from 0 to 4294967295, not 4294967297/],
    [{ seed: -1 }, /seed must be a whole number from 0 to 4294967295, not -1/],
    [{ username: "" }, /username must be a non-empty string/],
    [{ password: 5 as unknown as string }, /password must be a non-empty string, not a number$/],
    [{ password: "" }, /password must be a non-empty string, not an empty string$/],
    [{ ssoErrorShape: "json" as "code" }, /ssoErrorShape must be "description" or "code"/],
    [{ failureRate: 1.5 }, /failureRate must be a share from 0 to 1/],
    [{ latency: -1 }, /latency must be a number of milliseconds/],
    [{ proxyErrorNext: 0.5 }, /proxyErrorNext must be a whole number from 0/],
    [{ proxyStatus: 500 as 502 }, /proxyStatus must be 502, 503 or 504/],
  ];
  for (const [options, message] of wrong) {
    await assert.rejects(startSimulator(options), (error: unknown) => {
      assert.ok(error instanceof RangeError, `${JSON.stringify(options)}: ${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("simulator options: setFaults refuses a wrong value and keeps the faults it had", async () => {
  await using simulator = await startSimulator({ delay: 0, vms: 0 });
  assert.throws(() => simulator.setFaults({ stall: 2 }), /stall must be a share from 0 to 1/);
  assert.throws(() => simulator.setFaults({ failureRate: -0.1 }), RangeError);
  const answer = await fetch(`${simulator.url}/`, {
    headers: { Authorization: "Basic " + btoa(`${simulator.username}:${simulator.password}`) },
  });
  await answer.body?.cancel();
  assert.notEqual(answer.status, 500, "no fault was switched on");
});

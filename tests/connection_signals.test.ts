/**
 * The connection's own calls (`test`, `engineVersion`, `followLink`, `authenticate`) take a
 * `signal`, so that a health check or a login can be bounded without a connection-wide
 * `timeout`: against an engine (or SSO) that never answers, each ends at its signal.
 */

import assert from "node:assert/strict";
import { Connection, TimeoutError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";

Deno.test("test(), engineVersion() and followLink() end at their signal", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const [vm] = await connection.systemService().vmsService().list({ max: 1 });
  simulator.setFaults({ stallAnswer: 1 }); // no API answer comes any more
  const started = performance.now();
  assert.equal(await connection.test(false, { signal: AbortSignal.timeout(200) }), false);
  await assert.rejects(
    connection.test(true, { signal: AbortSignal.timeout(200) }),
    TimeoutError,
  );
  await assert.rejects(
    connection.engineVersion({ signal: AbortSignal.timeout(200) }),
    TimeoutError,
  );
  await assert.rejects(
    connection.followLink(vm.nics!, { signal: AbortSignal.timeout(200) }),
    TimeoutError,
  );
  assert.ok(performance.now() - started < 5_000, "each ended at its signal");
  simulator.setFaults({ stallAnswer: undefined });
  await connection.close(false);
});

Deno.test("authenticate() ends at its signal while the SSO does not answer", async () => {
  await using engine = await startFakeEngine({ ssoDelay: 3_000 });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  const started = performance.now();
  await assert.rejects(
    connection.authenticate({ signal: AbortSignal.timeout(200) }),
    TimeoutError,
  );
  assert.ok(performance.now() - started < 2_000, "it did not wait for the SSO");
  await connection.close(false);
});

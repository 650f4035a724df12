/**
 * The road of a small `get()`: one async function from the request to the result, and a
 * short body (its length declared) loaded whole with one operation. Each behaviour of a call
 * must hold on that road too.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { AuthError, TimeoutError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { type RawAnswer, startRawServer } from "./http_raw_server.ts";

const VM = "<vm id='1'><name>web</name><memory>1073741824</memory></vm>";

/** A connection to `url` logging in with the fake engine's user, one request in flight. */
function oneSlot(url: string): Connection {
  return new Connection({ url, username: USERNAME, password: PASSWORD, connections: 1 });
}

Deno.test("small get: a short answer read whole gives its one slot back, call after call", async () => {
  await using engine = await startFakeEngine({ api: () => xml(VM) });
  await using connection = oneSlot(engine.url);
  const vm = connection.systemService().vmsService().vmService("1");
  // With the slot kept, the second call would wait for it forever.
  for (let i = 0; i < 3; i++) assert.equal((await vm.get()).name, "web");
  const [first, second] = await Promise.all([vm.get(), vm.get()]);
  assert.equal(first.memory, 1073741824);
  assert.equal(second.name, "web");
});

Deno.test("small get: a rejected token logs in again once, and the answer is read whole", async () => {
  await using engine = await startFakeEngine({ api: () => xml(VM) });
  await using connection = oneSlot(engine.url);
  const vm = connection.systemService().vmsService().vmService("1");
  await vm.get();
  engine.validTokens.clear();
  assert.equal((await vm.get()).name, "web");
  assert.equal(engine.logins.length, 2);
  assert.equal(engine.requests.length, 3, "the rejected request, and the one after the login");

  await using stale = new Connection({ url: engine.url, token: "stale", connections: 1 });
  const rejected = stale.systemService().vmsService().vmService("1");
  for (let i = 0; i < 2; i++) await assert.rejects(rejected.get(), AuthError);
});

Deno.test("small get: a 503 is made again, and the answer after it read whole", async () => {
  const answers: RawAnswer[] = [
    { status: 503, headers: { "retry-after": "0" }, body: "" },
    { status: 200, headers: { "content-type": "application/xml" }, body: VM },
  ];
  await using server = startRawServer(() => answers.shift()!);
  await using connection = new Connection({
    url: `${server.origin}/ovirt-engine/api`,
    token: "t",
    connections: 1,
    retry: { delay: 1, maxDelay: 1 },
  });
  assert.equal((await connection.systemService().vmsService().vmService("1").get()).name, "web");
  assert.equal(server.requests.length, 2);
});

Deno.test("small get: with a time limit and a signal, the call ends with its timer stopped", async () => {
  // The test's sanitizers fail it if a call leaves its deadline's timer running.
  await using engine = await startFakeEngine({ api: () => xml(VM) });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    timeout: 60_000,
    connections: 1,
  });
  const vm = connection.systemService().vmsService().vmService("1");
  const controller = new AbortController();
  assert.equal((await vm.get({ signal: controller.signal })).name, "web");
  assert.equal((await vm.get()).name, "web");
  controller.abort();
  await assert.rejects(vm.get({ signal: controller.signal }), (error: Error) => {
    assert.ok(!(error instanceof TimeoutError));
    assert.match(error.message, /aborted/);
    return true;
  });
  assert.equal((await vm.get()).name, "web", "an aborted call gives its slot back");
});

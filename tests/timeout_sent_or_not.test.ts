/**
 * A call that ends before its answer (its `timeout`, or the caller's signal) says what became
 * of its request: a change that went out may have been carried out by the engine
 * (`maybeApplied`, and the message says to look before sending it again); a request that
 * waited for a free connection was never sent, and says so.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, TimeoutError } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { startSimulator } from "../testing/mod.ts";

/** A connection to the fake `engine` as its user, with `options`. */
function connectTo(engine: { url: string }, options: object = {}): Connection {
  return new Connection({ url: engine.url, username: USERNAME, password: PASSWORD, ...options });
}

/** A fake engine that answers each API request after `delay` ms, noting what it received. */
async function slowEngine(delay: number) {
  const received: string[] = [];
  const engine = await startFakeEngine({
    api: async (request) => {
      const body = request.method === "POST" ? await request.text() : "";
      received.push(`${request.method} ${new URL(request.url).pathname} ${body}`.trim());
      await new Promise((resolve) => setTimeout(resolve, delay));
      return xml(request.method === "POST" ? "<vm id='1'/>" : "<vms/>");
    },
  });
  return { engine, received };
}

Deno.test("timeout: a sent add may have been applied; the next one says whether it went out", async () => {
  const { engine, received } = await slowEngine(1500);
  await using _engine = engine;
  await using connection = connectTo(engine, { timeout: 500, connections: 1 });
  const vms = connection.systemService().vmsService();
  const [sent, next] = await Promise.allSettled([
    vms.add({ name: "first" }),
    vms.add({ name: "second" }),
  ]);
  const sentError = (sent as PromiseRejectedResult).reason;
  assert.ok(sentError instanceof TimeoutError);
  assert.equal(sentError.maybeApplied, true);
  assert.match(sentError.message, /within 500 ms\. It was sent, so the engine may have carried/);
  // The second one gets the connection when the first lets go of it, a moment before its own
  // time is up: whether it is sent then is a race, but its error tells which way it went.
  const nextError = (next as PromiseRejectedResult).reason;
  assert.ok(nextError instanceof TimeoutError);
  // Sent with no time left, it may be cut off before the engine reads it: "may have".
  if (received.some((line) => line.includes("second"))) assert.ok(nextError.maybeApplied);
  assert.match(nextError.message, nextError.maybeApplied ? /It was sent/ : /it was never sent/);
});

Deno.test("a change that waited for a free connection or the login was never sent", async () => {
  const { engine, received } = await slowEngine(1500);
  await using _engine = engine;
  await using connection = connectTo(engine, { connections: 1 });
  const vms = connection.systemService().vmsService();
  const holding = vms.list(); // keeps the one connection for 1.5 s
  const error = await vms.add({ name: "queued" }, { signal: AbortSignal.timeout(300) })
    .catch((e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.maybeApplied, false);
  assert.equal(
    error.message,
    "The request did not finish within its signal's time limit: it was never sent (it waited " +
      "for a free connection)",
  );
  await holding;
  assert.equal(received.filter((line) => line.includes("queued")).length, 0);

  await using slowLogin = await startFakeEngine({ ssoDelay: 1000 });
  await using late = connectTo(slowLogin, { timeout: 300 });
  const unsent = await late.systemService().vmsService().add({ name: "x" }).catch((e) => e);
  assert.ok(unsent instanceof TimeoutError, String(unsent));
  assert.equal(unsent.maybeApplied, false);
  assert.equal(
    unsent.message,
    "The request did not finish within 300 ms: it was never sent (it waited for the login)",
  );
});

Deno.test("timeout: a call joining another's login that times out is told it was the login", async () => {
  await using slowLogin = await startFakeEngine({ ssoDelay: 1000 });
  await using connection = connectTo(slowLogin, { timeout: 300 });
  const vms = connection.systemService().vmsService();
  const first = vms.list().catch((e) => e); // starts the login, limited to 300 ms
  await new Promise((resolve) => setTimeout(resolve, 100));
  const joining = await vms.add({ name: "x" }).catch((e) => e); // 100 ms of its time left
  assert.ok(joining instanceof TimeoutError, String(joining));
  assert.equal(joining.maybeApplied, false);
  assert.match(
    joining.message,
    /^The SSO request to http:\/\/\S+\/sso\/oauth\/token did not finish within 300 ms$/,
  );
  assert.match((await first).message, /it was never sent \(it waited for the login\)/);
});

Deno.test("timeout: a read that was sent says nothing more, and is not maybeApplied", async () => {
  const { engine } = await slowEngine(1500);
  await using _engine = engine;
  await using connection = connectTo(engine, { timeout: 300 });
  const error = await connection.systemService().vmsService().list().catch((e) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.message, "The request did not finish within 300 ms");
  assert.equal(error.maybeApplied, false);
});

Deno.test("signal: an action aborted after it was sent may have been applied", async () => {
  const { engine } = await slowEngine(1500);
  await using _engine = engine;
  await using connection = connectTo(engine);
  const vm = connection.systemService().vmsService().vmService("1");
  const error = await vm.start({ signal: AbortSignal.timeout(300) }).catch((e) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.maybeApplied, true);
  assert.match(error.message, /signal's time limit\. It was sent, so the engine may have/);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const aborted = await vm.stop({ signal: controller.signal }).catch((e) => e);
  assert.ok(aborted instanceof OvirtError);
  assert.equal(aborted.maybeApplied, true);
  assert.match(aborted.message, /^The request was aborted\. It was sent/);
});

Deno.test("a change refused (409, 503) and ended while its repetition waits was not applied", async () => {
  // Each call ends 300 ms after its first refusal left the simulator: while it waits to try
  // again (at least 500 ms), whatever the machine's load (a fixed time could end it while
  // an attempt is out).
  let ending: { status: string; controller: AbortController; reason: unknown } | undefined;
  await using sim = await startSimulator({
    delay: 10,
    tls: false,
    log: (line) => {
      const now = ending;
      if (now && line.endsWith(` ${now.status}`)) {
        ending = undefined;
        setTimeout(() => now.controller.abort(now.reason), 300);
      }
    },
  });
  const endAfterRefusal = (status: string, reason?: unknown) => {
    const controller = new AbortController();
    ending = { status, controller, reason };
    return controller.signal;
  };
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const start = (options: object) => vms.vmService(vm.id!).start(options).catch((e) => e);

  sim.setFaults({ locked: 1 });
  const locked = await start({
    retry: { whileLocked: true, attempts: 10 },
    signal: endAfterRefusal("409", new DOMException("Signal timed out.", "TimeoutError")),
  });
  assert.ok(locked instanceof TimeoutError, String(locked));
  assert.equal(locked.maybeApplied, false, locked.message);
  assert.match(
    locked.message,
    /: the engine refused it, so it was not carried out \(\d+ attempts?/,
  );

  sim.setFaults({ locked: undefined, proxyError: 1, proxyStatus: 503, retryAfter: 2 });
  const unavailable = await start({ signal: endAfterRefusal("503") });
  assert.ok(unavailable instanceof OvirtError, String(unavailable));
  assert.equal(unavailable.maybeApplied, false, unavailable.message);
  assert.match(unavailable.message, /^The request was aborted: the engine refused it/);
  sim.setFaults({ proxyError: undefined });
  assert.equal((await vms.vmService(vm.id!).get()).status, "down", "never started");
});

import assert from "node:assert/strict";
import { Connection, type ConnectionOptions, listStream } from "../mod.ts";
import { AuthError, ConnectionError, OvirtError } from "../transport/errors.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { CLOSING_LOGOUT_LIMIT } from "../transport/auth.ts";
import { PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";

const encoder = new TextEncoder();
const XML = { "content-type": "application/xml" };
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connection to `simulator` as its administrator (no timeout unless `options` say). */
function adminOf(simulator: Simulator, options: Partial<ConnectionOptions> = {}): Connection {
  return new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
    // insecure is refused with a CA.
    ...(simulator.caCert && !options.insecure ? { caCerts: [simulator.caCert] } : {}),
    ...options,
  });
}

/** Rejects unless `token` no longer opens `simulator`'s API: it was revoked. */
async function assertRevoked(simulator: Simulator, token: string): Promise<void> {
  await using again = new Connection({
    url: simulator.url,
    token,
    ...(simulator.caCert ? { caCerts: [simulator.caCert] } : {}),
  });
  await assert.rejects(again.systemService().get(), AuthError, "the token was revoked");
}

/**
 * An engine of slow answers: `/vms` streams 200 VMs, one every 10 ms; `/hosts` answers
 * after 1 s; the API root after 300 ms; `/clusters/1` at once, its body over 300 ms. `/templates` is a list of over 1 MiB at once, which
 * starts the list worker of a connection that has one.
 */
function startSlowEngine() {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname.replace("/ovirt-engine/api", "");
    requests.push(path);
    if (path === "/vms") {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === 0) controller.enqueue(encoder.encode("<vms>"));
          if (sent === 200) {
            controller.enqueue(encoder.encode("</vms>"));
            return controller.close();
          }
          await delay(10);
          controller.enqueue(encoder.encode(`<vm id="${sent}"><name>vm${sent}</name></vm>`));
          sent++;
        },
      });
      return new Response(body, { headers: XML });
    }
    if (path === "/clusters/1") { // the head at once, the body over 300 ms
      const parts = ['<cluster id="1">', "<name>slow</name>", "</cluster>"];
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const part = parts.shift();
          if (part === undefined) return controller.close();
          controller.enqueue(encoder.encode(part));
          await delay(150);
        },
      });
      return new Response(body, { headers: XML });
    }
    if (path === "/templates") {
      const items = Array.from({ length: 12_000 }, (_, i) => `<template id="${i}"/>`.padEnd(100));
      return new Response(`<templates>${items.join("")}</templates>`, { headers: XML });
    }
    await delay(path === "/hosts" ? 1000 : 300);
    return new Response(path === "/hosts" ? "<hosts/>" : "<api/>", { headers: XML });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const CLOSED = (error: Error) => {
  assert.ok(error instanceof OvirtError, `an OvirtError, not ${error.constructor.name}`);
  assert.ok(!(error instanceof ConnectionError), "no network failure: nothing to try again");
  assert.match(error.message, /The connection was closed before the list answer was read/);
  return true;
};

for (
  const [transport, options] of [
    ["fetch", { listWorker: false }],
    ["fetch and the list worker", { listWorker: true }],
    ["node:http (insecure)", { listWorker: false, insecure: true }],
  ] as const
) {
  Deno.test(`close(), ${transport}: ends the lists in flight and lets other calls finish`, async () => {
    await using engine = startSlowEngine();
    const connection = new Connection({ url: engine.url, token: "t", ...options });
    const system = connection.systemService();
    if (options.listWorker) assert.equal((await system.templatesService().list()).length, 12_000);
    let items = 0;
    const streaming = (async () => {
      for await (const _vm of listStream(system.vmsService())) items++;
    })();
    while (items < 3) await delay(5);
    const waitingForHead = system.hostsService().list();
    const root = system.get();
    const slowBody = system.clustersService().clusterService("1").get();
    const sent = ["/hosts", "", "/clusters/1"];
    while (!sent.every((path) => engine.requests.includes(path))) await delay(5);
    await delay(50); // the cluster's head has come, its body is on its way
    const closing = connection.close(false);
    await assert.rejects(streaming, CLOSED);
    assert.ok(items < 200, `the stream stopped (${items} of 200 VMs)`);
    await assert.rejects(waitingForHead, CLOSED);
    assert.deepEqual(await root, {}, "a call other than a list finishes");
    assert.deepEqual(await slowBody, { id: "1", name: "slow" }, "its body is read to the end");
    await closing;
    assert.equal(engine.requests.filter((path) => path === "/hosts").length, 1, "no new attempt");
    await assert.rejects(system.hostsService().list(), /The connection is closed/);
  });
}

Deno.test("close(): a call that fails after it is not tried again on a new transport", async () => {
  // A server that takes each request and drops its connection once told to.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  let requests = 0;
  let drop = () => {};
  const dropped = new Promise<void>((resolve) => drop = resolve);
  const serving = (async () => {
    for await (const socket of listener) {
      requests++;
      await socket.read(new Uint8Array(4096));
      await dropped;
      socket.close();
    }
  })();
  const connection = new Connection({
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    token: "t",
  });
  const get = connection.systemService().get();
  while (requests === 0) await delay(5);
  const closing = connection.close(false);
  drop();
  await assert.rejects(get, /The connection is closed/);
  await closing;
  assert.equal(requests, 1);
  listener.close();
  await serving.catch(() => {});
});

for (const [transport, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
  Deno.test(`close(), ${transport}: the token is revoked once the calls sent have their answers`, async () => {
    await using simulator = await startSimulator({ delay: 0, tls: transport === "node:http" });
    // A slot is free for the revocation: it must wait all the same.
    const connection = adminOf(simulator, { connections: 2, ...extra });
    const [vm] = await connection.systemService().vmsService().list({ max: 1 });
    const token = await connection.authenticate();
    simulator.setFaults({ latency: 1_000 }); // the simulator checks the token when it answers
    const slow = connection.systemService().vmsService().vmService(vm.id!).get();
    await delay(100);
    const closed = connection.close().then(() => performance.now());
    assert.equal((await slow).id, vm.id, "the call already sent finishes");
    const answered = performance.now();
    assert.ok(await closed >= answered - 50, "the token was revoked after the answer came");
    simulator.setFaults({ latency: undefined });
    await assertRevoked(simulator, token);
  });
}

Deno.test("close(): a call waiting for a free connection is not sent, it rejects", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  const connection = adminOf(simulator, { connections: 1 });
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ max: 1 });
  simulator.setFaults({ latency: 300 });
  const sent = vms.vmService(vm.id!).get();
  const queued = vms.vmService(vm.id!).get(); // waits for the only connection
  const refused = assert.rejects(queued, /^OvirtError: The connection is closed$/);
  await delay(100);
  const before = simulator.requestCount;
  const closing = connection.close();
  assert.equal((await sent).id, vm.id, "the call already sent finishes");
  await refused;
  await closing;
  assert.equal(simulator.requestCount, before, "nothing more was sent");
});

Deno.test("close(): ends, and revokes the token, while an answer never comes", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  // No timeout: the stalled call waits for ever, close() for CLOSING_LOGOUT_LIMIT.
  const connection = adminOf(simulator, { connections: 1 });
  const token = await connection.authenticate();
  simulator.setFaults({ stallAnswerNext: 1 });
  const stalled = connection.systemService().get();
  stalled.catch(() => {});
  await delay(100);
  const start = performance.now();
  await connection.close();
  const took = performance.now() - start;
  assert.ok(
    took >= CLOSING_LOGOUT_LIMIT - 100 && took < CLOSING_LOGOUT_LIMIT + 3_000,
    `${took} ms`,
  );
  await assertRevoked(simulator, token);
});

Deno.test("close(): revokeToken() at the same time still revokes the token", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  const connection = adminOf(simulator, { connections: 1 });
  const token = await connection.authenticate();
  await Promise.allSettled([connection.revokeToken(), connection.close()]);
  await assertRevoked(simulator, token);
});

Deno.test("close(): with a token of the caller's, nothing to revoke, nothing to wait for", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  await using owner = adminOf(simulator);
  const token = await owner.authenticate();
  const connection = new Connection({ url: simulator.url, token });
  simulator.setFaults({ stallAnswerNext: 1 });
  connection.systemService().get().catch(() => {}); // never answered
  await delay(100);
  const start = performance.now();
  await connection.close();
  assert.ok(performance.now() - start < 1_000, `close() took ${performance.now() - start} ms`);
});

Deno.test("close(): a login that outlives close's wait is given up, its callers refused", async () => {
  // The SSO answers after close() has waited CLOSING_LOGOUT_LIMIT for it, and given it up.
  await using engine = await startFakeEngine({ ssoDelay: CLOSING_LOGOUT_LIMIT + 4_000 });
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  const call = connection.systemService().get();
  const refused = assert.rejects(call, /^OvirtError: The connection is closed$/);
  await delay(100);
  const start = performance.now();
  await connection.close();
  await refused;
  const took = performance.now() - start;
  // Refused when close() gives the login up, not when the SSO answers at last.
  assert.ok(took < CLOSING_LOGOUT_LIMIT + 2_000, `${took} ms`);
  assert.equal(engine.logins.length, 1, "no login after close()");
});

Deno.test("close(): a call whose body is still arriving is not cut off; it has its own time", async () => {
  await using simulator = await startSimulator({ delay: 0, tls: false });
  const connection = adminOf(simulator, { timeout: 1_000 });
  const [vm] = await connection.systemService().vmsService().list({ max: 1 });
  simulator.setFaults({ stall: 1 }); // the head and half the body, then nothing
  const call = connection.systemService().vmsService().vmService(vm.id!).get();
  call.catch(() => {});
  await delay(200);
  simulator.setFaults({ stall: undefined });
  await connection.close(false);
  await assert.rejects(call, (error: Error) => {
    assert.ok(!(error instanceof ConnectionError), `not cut off by close(): ${error}`);
    assert.match(error.message, /did not finish within 1000 ms/);
    return true;
  });
});

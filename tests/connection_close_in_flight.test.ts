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
 * after 1 s; the API root after 300 ms; `/clusters/1` at once, its body over 300 ms; an add
 * of a tag after 300 ms. `/templates` is a list of over 1 MiB at once, which starts the list
 * worker of a connection that has one.
 */
function startSlowEngine() {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname.replace("/ovirt-engine/api", "");
    requests.push(path);
    if (request.method === "POST") {
      await delay(300);
      return new Response('<tag id="1"><name>added</name></tag>', { status: 201, headers: XML });
    }
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

/** Resolves once every one of `promises` has, or rejects after `ms` without that. */
async function within(ms: number, promises: Promise<unknown>[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.all(promises), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks the error of a read `close()` cut off: a list's (`list` set) or another's. */
const closedBefore = (list: boolean) => (error: Error) => {
  assert.ok(error instanceof OvirtError, `an OvirtError, not ${error.constructor.name}`);
  assert.ok(!(error instanceof ConnectionError), "no network failure: nothing to try again");
  const answer = list ? "the list answer" : "the answer";
  assert.equal(error.message, `The connection was closed before ${answer} was read`);
  return true;
};
const LIST_CUT = closedBefore(true);
const CLOSED = closedBefore(false);

for (
  const [transport, options] of [
    ["fetch", { listWorker: false }],
    ["fetch and the list worker", { listWorker: true }],
    ["node:http (insecure)", { listWorker: false, insecure: true }],
  ] as const
) {
  Deno.test(`close(), ${transport}: ends the reads in flight and lets changes finish`, async () => {
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
    const added = system.tagsService().add({ name: "added" });
    const sent = ["/hosts", "", "/clusters/1", "/tags"];
    while (!sent.every((path) => engine.requests.includes(path))) await delay(5);
    await delay(50); // the cluster's head has come, its body is on its way
    const closing = connection.close(false);
    await Promise.all([
      assert.rejects(streaming, LIST_CUT),
      assert.rejects(waitingForHead, LIST_CUT),
      assert.rejects(root, CLOSED),
      assert.rejects(slowBody, CLOSED, "a body on its way is cut off too"),
    ]);
    assert.ok(items < 200, `the stream stopped (${items} of 200 VMs)`);
    assert.deepEqual(await added, { id: "1", name: "added" }, "a change finishes");
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
  // An update: not cut off by close(), and tried again after a dropped connection if open.
  const update = connection.systemService().vmsService().vmService("1").update({ name: "a" });
  while (requests === 0) await delay(5);
  const closing = connection.close(false);
  drop();
  await assert.rejects(update, /The connection is closed/);
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
    const token = await connection.authenticate();
    simulator.setFaults({ latency: 1_000 }); // the simulator checks the token when it answers
    const slow = connection.systemService().tagsService().add({ name: "closing" });
    await delay(100);
    const closed = connection.close().then(() => performance.now());
    assert.equal((await slow).name, "closing", "the change already sent finishes");
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
  const sent = connection.systemService().tagsService().add({ name: "sent" });
  const queued = vms.vmService(vm.id!).get(); // waits for the only connection
  const refused = assert.rejects(queued, /^OvirtError: The connection is closed$/);
  await delay(100);
  const before = simulator.requestCount;
  const closing = connection.close();
  assert.equal((await sent).name, "sent", "the change already sent finishes");
  await refused;
  await closing;
  assert.equal(simulator.requestCount, before, "nothing more was sent");
});

Deno.test("close(): ends, and revokes the token, while an answer never comes", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  // No timeout: the stalled change waits for ever, close() for CLOSING_LOGOUT_LIMIT.
  const connection = adminOf(simulator, { connections: 1 });
  const token = await connection.authenticate();
  simulator.setFaults({ stallAnswerNext: 1 });
  const stalled = connection.systemService().tagsService().add({ name: "stalled" });
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
  // Never answered: the change is left to finish (the simulator ends it when it stops).
  connection.systemService().tagsService().add({ name: "stalled" }).catch(() => {});
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

Deno.test("close(): reads whose answer never comes end at once, before the wait for a change", async () => {
  // Without timeout: a GET whose answer never comes, one whose body stalls after its head,
  // and an add answered only when the test says.
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => stop = resolve);
  await using engine = await startFakeEngine({
    api: async (request, { path }) => {
      if (request.method === "POST") {
        await released;
        return new Response('<tag id="7"><name>kept</name></tag>', { status: 201, headers: XML });
      }
      if (path === "vms/1") {
        await stopped;
        return new Response("<vm/>", { headers: XML });
      }
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(encoder.encode('<vm id="2"><name>')),
        pull: (controller) => stopped.then(() => controller.close()),
      });
      return new Response(body, { headers: XML });
    },
  });
  try {
    const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
    const system = connection.systemService();
    const neverAnswered = system.vmsService().vmService("1").get();
    const stalledBody = system.vmsService().vmService("2").get();
    const added = system.tagsService().add({ name: "kept" });
    let addSettled = false;
    added.finally(() => addSettled = true).catch(() => {});
    const sent = ["vms/1", "vms/2", "tags"];
    while (sent.some((path) => !engine.requests.some((r) => r.url.endsWith(`/api/${path}`)))) {
      await delay(5);
    }
    await delay(50); // the head of vms/2 has come
    const start = performance.now();
    const closed = connection.close().then(() => performance.now() - start);
    await within(2_000, [
      assert.rejects(neverAnswered, CLOSED),
      assert.rejects(stalledBody, CLOSED),
    ]);
    const cut = performance.now() - start;
    assert.ok(cut < 1_000, `the reads ended ${cut} ms after close(), not after its wait`);
    await delay(100);
    assert.equal(addSettled, false, "the add is not cut off: close() waits for its answer");
    release();
    assert.deepEqual(await added, { id: "7", name: "kept" });
    const took = await closed;
    assert.ok(took < 2_000, `close() took ${took} ms`);
    assert.equal(engine.logouts.length, 1, "the token was revoked once the add was answered");
  } finally {
    stop(); // the server ends its handlers, the test too when it fails
    release();
  }
});

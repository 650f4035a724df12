/**
 * `connectTimeout` covers the TLS handshake, not only the TCP connect: a server that accepts
 * the connection and then says nothing (or drips bytes of a TLS record that never ends) fails
 * the call within about the limit, on every route to it: API reads and changes, the SSO login,
 * `insecure` calls and image uploads (`node:https`). Through a proxy, `node:https` limits the
 * handshake through the tunnel; `fetch` makes the tunnel and the handshake itself, and only the
 * call's `timeout` bounds them.
 */

import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { ConnectionError, TimeoutError } from "../transport/errors.ts";
import { outcomeWithin } from "./outcome_within.ts";
import { tlsMaterial } from "./http_tls_material.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { startForwardProxy } from "./http_proxy_server.ts";

const tls = await tlsMaterial();

/** The limit under test, and how long past it a call may take to fail. */
const LIMIT = 300;
const SLACK = 1_200;

/**
 * A TCP server on loopback that accepts connections and never completes a TLS handshake:
 * `silent` says nothing, `drip` starts a TLS handshake record 16 KiB long and sends one byte
 * of it every 50 ms (the server never stays quiet for long, yet the handshake never ends).
 */
function stallingServer(kind: "silent" | "drip") {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  (async () => {
    for await (const conn of listener) {
      held.push(conn);
      if (kind === "drip") drip(conn, timers);
    }
  })().catch(() => {});
  const { port } = listener.addr;
  return {
    port,
    /** The connections accepted so far. */
    get accepted() {
      return held.length;
    },
    url: `https://127.0.0.1:${port}/ovirt-engine/api`,
    [Symbol.dispose]() {
      for (const timer of timers) clearInterval(timer);
      listener.close();
      for (const conn of held) conn.close();
    },
  };
}

/** Writes a TLS record header announcing 16 KiB, then one byte of the record every 50 ms. */
function drip(conn: Deno.Conn, timers: ReturnType<typeof setInterval>[]): void {
  conn.write(new Uint8Array([0x16, 0x03, 0x03, 0x40, 0x00])).catch(() => {});
  timers.push(setInterval(() => conn.write(new Uint8Array([0])).catch(() => {}), 50));
}

/** The rejection of `call` within the limit and its slack, checked to name the handshake. */
async function stalled(call: Promise<unknown>, port: number): Promise<ConnectionError> {
  const started = performance.now();
  const error = await outcomeWithin(call, LIMIT + SLACK);
  const millis = performance.now() - started;
  assert.ok(error instanceof ConnectionError, `${error} after ${Math.round(millis)} ms`);
  assert.match(
    error.message,
    new RegExp(
      `no connection to 127\\.0\\.0\\.1:${port} within ${LIMIT} ms \\(connectTimeout\\): ` +
        "the TLS handshake did not finish",
    ),
  );
  assert.ok(millis >= LIMIT - 50, `failed after ${Math.round(millis)} ms, before the limit`);
  return error;
}

/** The routes to the engine: `fetch` (checked TLS) and `node:https` (`insecure`). */
const ROUTES: [string, Partial<ConnectionOptions>][] = [
  ["fetch", { caCerts: [tls.caCert] }],
  ["node:https", { insecure: true }],
];

for (const kind of ["silent", "drip"] as const) {
  for (const [route, trust] of ROUTES) {
    Deno.test(`connectTimeout (${route}): a ${kind} TLS handshake ends API reads and changes`, async () => {
      using server = stallingServer(kind);
      const options: ConnectionOptions = {
        url: server.url,
        token: "t",
        connectTimeout: LIMIT,
        retry: false,
        ...trust,
      };
      await using connection = new Connection(options);
      const vms = connection.systemService().vmsService();
      await stalled(vms.list(), server.port);
      const error = await stalled(vms.add({ name: "x" }), server.port);
      assert.equal(error.maybeApplied, false, "a change that never left was not applied");
    });

    Deno.test(`connectTimeout (${route}): a ${kind} TLS handshake ends the SSO login`, async () => {
      using server = stallingServer(kind);
      await using connection = new Connection({
        url: server.url,
        username: USERNAME,
        password: PASSWORD,
        connectTimeout: LIMIT,
        retry: false,
        ...trust,
      });
      const error = await stalled(connection.systemService().get(), server.port);
      assert.ok(!error.message.includes(PASSWORD));
    });
  }
}

Deno.test("connectTimeout: a stalled TLS handshake ends an upload (node:https)", async () => {
  using server = stallingServer("silent");
  await using connection = new Connection({
    url: server.url,
    token: "t",
    connectTimeout: LIMIT,
    retry: false,
    caCerts: [tls.caCert],
  });
  const put = connection.transferRequest({
    method: "PUT",
    url: `https://127.0.0.1:${server.port}/images/secret-ticket`,
    body: new Uint8Array(1024),
  });
  const error = await stalled(put, server.port);
  assert.ok(!error.message.includes("secret-ticket"));
});

Deno.test("connectTimeout: an engine whose handshake completes is used as before", async () => {
  await using engine = await startFakeEngine({
    tls: { cert: tls.cert, key: tls.key },
    api: (_request, { path }) => xml(path === "" ? "<api/>" : "<vms><vm id='1'/></vms>"),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    caCerts: [tls.caCert],
    connectTimeout: LIMIT,
  });
  const vms = connection.systemService().vmsService();
  assert.equal((await vms.list()).length, 1);
  assert.equal((await vms.list()).length, 1);
});

Deno.test("connectTimeout: a handshake refused is reported by the request, not as a stall", async () => {
  await using engine = await startFakeEngine({
    tls: { cert: tls.cert, key: tls.key },
    api: () => xml("<vms/>"),
  });
  await using connection = new Connection({
    url: engine.url,
    token: "t",
    caCerts: [tls.otherCaCert],
    connectTimeout: LIMIT,
    retry: false,
  });
  const error = await outcomeWithin(connection.systemService().vmsService().list(), SLACK);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /not signed by a CA this connection trusts/);
  assert.doesNotMatch(error.message, /connectTimeout/);
});

Deno.test("connectTimeout through a proxy: node:https limits the handshake in the tunnel", async () => {
  using server = stallingServer("silent");
  await using proxy = await startForwardProxy();
  await using connection = new Connection({
    url: server.url,
    token: "t",
    connectTimeout: LIMIT,
    retry: false,
    insecure: true,
    proxy: proxy.url,
  });
  await stalled(connection.systemService().vmsService().list(), server.port);
  assert.deepEqual(proxy.tunnels, [`127.0.0.1:${server.port}`]);
});

Deno.test("connectTimeout through a proxy: node:https limits the handshake with an https: proxy", async () => {
  using server = stallingServer("silent");
  await using connection = new Connection({
    url: "https://engine.example/ovirt-engine/api",
    token: "t",
    connectTimeout: LIMIT,
    retry: false,
    insecure: true,
    proxy: `https://127.0.0.1:${server.port}`,
  });
  await stalled(connection.systemService().vmsService().list(), server.port);
});

Deno.test("connectTimeout through a proxy: fetch's tunnel is bounded by the call's timeout", async () => {
  using server = stallingServer("silent");
  await using proxy = await startForwardProxy();
  await using connection = new Connection({
    url: server.url,
    token: "t",
    connectTimeout: LIMIT,
    timeout: 3 * LIMIT,
    retry: false,
    caCerts: [tls.caCert],
    proxy: proxy.url,
  });
  const started = performance.now();
  const error = await outcomeWithin(connection.systemService().vmsService().list(), 6 * LIMIT);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.ok(performance.now() - started >= 3 * LIMIT - 50, "not cut at connectTimeout");
  assert.deepEqual(proxy.tunnels, [`127.0.0.1:${server.port}`], "no probe of its own");
});

for (const [route, trust] of ROUTES) {
  Deno.test(`connectTimeout through a proxy (${route}): a working engine is reached`, async () => {
    await using proxy = await startForwardProxy();
    await using engine = await startFakeEngine({
      tls: { cert: tls.cert, key: tls.key },
      api: () => xml("<vms><vm id='1'/></vms>"),
    });
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      connectTimeout: LIMIT,
      proxy: proxy.url,
      ...trust,
    });
    assert.equal((await connection.systemService().vmsService().list()).length, 1);
    assert.ok(proxy.tunnels.length >= 2, "the login and the list went through the proxy");
  });
}

Deno.test("connectTimeout: a stalled TLS handshake is repeated as a connect timeout is, changes too", async () => {
  using server = stallingServer("silent");
  await using connection = new Connection({
    url: server.url,
    token: "t",
    connectTimeout: LIMIT,
    retry: { attempts: 2, delay: 1, maxDelay: 1 },
    caCerts: [tls.caCert],
  });
  const vms = connection.systemService().vmsService();
  const read = await outcomeWithin(vms.list(), 2 * LIMIT + SLACK);
  assert.ok(read instanceof ConnectionError, String(read));
  assert.equal(server.accepted, 2, "one connection per attempt");
  const change = await outcomeWithin(vms.add({ name: "x" }), 2 * LIMIT + SLACK);
  assert.ok(change instanceof ConnectionError, String(change));
  assert.equal(change.maybeApplied, false, "the change never left");
  assert.equal(server.accepted, 4, "repeated: it never left");
});

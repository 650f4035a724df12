/**
 * What `connectTimeout`'s probes ask of a busy engine: a read answered slowly by a host whose
 * one worker is busy with it is not cut (its watchdog asks only for a connection, which the
 * kernel takes, not for a handshake, which waits for the worker); a change to a host that
 * finished a handshake lately is probed with a connection alone; and `close()` cancels a probe
 * under way, so nothing keeps the process alive (the test sanitizers check it).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { tlsMaterial } from "./http_tls_material.ts";
import { outcomeWithin } from "./outcome_within.ts";

const tls = await tlsMaterial();
const encoder = new TextEncoder();

/**
 * An HTTPS server with one worker: it takes one connection at a time, handshakes and answers
 * its request after `delay` ms (closing it), while the others wait unread in the kernel's
 * queue. It counts the requests, the handshakes, and the connections closed without one.
 */
function oneWorkerServer(delay: number) {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: tls.cert,
    key: tls.key,
  });
  const counts = { requests: 0, handshakes: 0, bare: 0 };
  const serving = (async () => {
    for await (const conn of listener) {
      try {
        await conn.handshake();
        counts.handshakes++;
        await answer(conn, delay, counts);
      } catch {
        counts.bare++; // a probe asking only for a connection, or one given up
      } finally {
        conn.close();
      }
    }
  })().catch(() => {});
  return {
    counts,
    url: `https://127.0.0.1:${listener.addr.port}/ovirt-engine/api`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await serving;
    },
  };
}

/** Reads one request on `conn` (none: a probe) and answers it after `delay` ms. */
async function answer(conn: Deno.TlsConn, delay: number, counts: { requests: number }) {
  const buffer = new Uint8Array(65536);
  let head = "";
  while (!head.includes("\r\n\r\n")) {
    const read = await conn.read(buffer);
    if (read === null) return;
    head += new TextDecoder().decode(buffer.subarray(0, read));
  }
  counts.requests++;
  await new Promise((resolve) => setTimeout(resolve, delay));
  const body = head.startsWith("POST") ? '<tag id="1"><name>t</name></tag>' : "<tags/>";
  await conn.write(encoder.encode(
    "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\nconnection: close\r\n" +
      `content-length: ${body.length}\r\n\r\n${body}`,
  ));
}

Deno.test("connectTimeout: a slow read from a host whose one worker it holds is waited for", async () => {
  await using server = oneWorkerServer(1_200);
  await using connection = new Connection({
    url: server.url,
    token: "t",
    caCerts: [tls.caCert],
    connectTimeout: 300,
  });
  const tags = connection.systemService().tagsService();
  assert.equal(await outcomeWithin(tags.list(), 5_000), "resolved");
  assert.equal(server.counts.requests, 1, "sent once, not cut and sent again");
});

Deno.test("connectTimeout: a change to a host heard lately is probed without a handshake", async () => {
  await using server = oneWorkerServer(0);
  await using connection = new Connection({
    url: server.url,
    token: "t",
    caCerts: [tls.caCert],
    connectTimeout: 2_000,
  });
  const tags = connection.systemService().tagsService();
  await tags.list(); // probed with a handshake (never heard), then the request's own
  assert.equal(server.counts.handshakes, 2);
  const before = { ...server.counts };
  assert.equal((await tags.add({ name: "t" })).id, "1");
  assert.equal(server.counts.handshakes - before.handshakes, 1, "the request's own only");
  assert.equal(server.counts.bare - before.bare, 1, "the probe: a connection alone");
});

Deno.test("connectTimeout: close() cancels a probe whose handshake stalls: the script ends", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // accepted, never answered
  })().catch(() => {});
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      script,
      `import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const connection = new Connection({
  url: "https://127.0.0.1:${listener.addr.port}/ovirt-engine/api",
  token: "t",
  caCerts: [${JSON.stringify(tls.caCert)}],
  connectTimeout: 20000,
});
const tags = connection.systemService().tagsService();
await tags.list({ signal: AbortSignal.timeout(300) }).catch((error) => console.log(error.name));
await connection.close();
console.log("closed");
`,
    );
    const started = performance.now();
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - started) / 1000;
    const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    assert.match(output, /TimeoutError\nclosed/);
    assert.ok(seconds < 10, `the script ended after ${seconds.toFixed(1)} s, not at once`);
  } finally {
    await Deno.remove(script);
    listener.close();
    await accepting;
    for (const conn of held) conn.close();
  }
});

Deno.test("connectTimeout: close() while a call waits for a login whose handshake stalls ends both at once", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn); // accepted, never answered
  })().catch(() => {});
  try {
    const connection = new Connection({
      url: `https://127.0.0.1:${listener.addr.port}/ovirt-engine/api`,
      username: "admin@internal",
      password: "secret",
      caCerts: [tls.caCert],
      connectTimeout: 30_000,
    });
    const call = connection.systemService().get();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const closed = await outcomeWithin(connection.close(), 5_000);
    assert.equal(closed, "resolved");
    const outcome = await outcomeWithin(call, 1_000);
    assert.ok(outcome instanceof Error, `the call: ${outcome}`);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 2, `close() and the call took ${seconds.toFixed(1)} s`);
  } finally {
    listener.close();
    await accepting;
    for (const conn of held) conn.close();
  }
});

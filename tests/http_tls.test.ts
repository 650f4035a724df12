import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { ConnectionError, TimeoutError } from "../transport/errors.ts";
import {
  type FakeEngineOptions,
  PASSWORD,
  startFakeEngine,
  USERNAME,
  xml,
} from "./http_fake_engine.ts";
import { tlsMaterial } from "./http_tls_material.ts";

const tls = await tlsMaterial();

function httpsEngine(options: FakeEngineOptions = {}) {
  return startFakeEngine({
    tls: { cert: tls.cert, key: tls.key },
    api: (_request, { path }) => xml(path === "" ? "<api/>" : "<vms><vm id='1'/></vms>"),
    ...options,
  });
}

Deno.test("tls: the CA of caFile is trusted", async () => {
  await using engine = await httpsEngine();
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    caFile: tls.caFile,
  });
  assert.equal((await connection.systemService().vmsService().list()).length, 1);
  assert.equal(engine.logins.length, 1, "the SSO is reached over the same TLS settings");
});

Deno.test("tls: the CAs of caCerts are trusted", async () => {
  await using engine = await httpsEngine();
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    caCerts: [tls.otherCaCert, tls.caCert],
  });
  assert.equal(await connection.test(true), true);
});

Deno.test("tls: a server signed by another CA is a ConnectionError", async () => {
  await using engine = await httpsEngine();
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    caCerts: [tls.otherCaCert],
  });
  await assert.rejects(connection.systemService().get(), (error) => {
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /certificate|UnknownIssuer/i);
    assert.match(error.message, /not signed by a CA this connection trusts: give the engine's CA/);
    assert.match(error.message, /pki-resource\?resource=ca-certificate&format=X509-PEM-CA\)$/);
    return true;
  });
  assert.equal(engine.logins.length, 0);
});

Deno.test("tls: insecure with a CA is refused before anything is sent", async () => {
  await using engine = await httpsEngine();
  for (const ca of [{ caCerts: [tls.otherCaCert] }, { caFile: tls.caFile }]) {
    assert.throws(
      () =>
        new Connection({
          url: engine.url,
          username: USERNAME,
          password: PASSWORD,
          insecure: true,
          ...ca,
        }),
      /insecure option turns certificate checks off, so the CA given with caFile or caCerts/,
    );
  }
  assert.equal(engine.logins.length, 0, "the password was not sent");
  await using empty = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
    caCerts: [],
  });
  assert.equal((await empty.systemService().vmsService().list()).length, 1, "no CA: insecure");
});

Deno.test("tls: the default trust store does not trust a private CA", async () => {
  await using engine = await httpsEngine();
  await using connection = new Connection({ url: engine.url, token: "t" });
  await assert.rejects(connection.systemService().get(), (error) => {
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /UnknownIssuer \(the server's certificate is not signed by a CA/);
    return true;
  });
});

Deno.test("tls: a caFile that cannot be read is reported by name", async () => {
  await using connection = new Connection({
    url: "https://127.0.0.1:1/ovirt-engine/api",
    token: "t",
    caFile: "/nonexistent/ca.pem",
  });
  await assert.rejects(
    connection.systemService().get(),
    /Cannot read the CA file "\/nonexistent\/ca\.pem"/,
  );
});

Deno.test("tls: insecure skips verification, login and 401 re-login included", async () => {
  let rejectOnce = true;
  await using engine = await httpsEngine({
    api: (request) => {
      if (request.headers.get("authorization") && rejectOnce) {
        rejectOnce = false;
        return new Response("<html/>", { status: 401, headers: { "Content-Type": "text/html" } });
      }
      if (request.method === "POST") return xml("<vm id='3'/>", 201);
      return xml("<vms><vm id='1'/><vm id='2'/></vms>");
    },
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
  });
  const vms = connection.systemService().vmsService();
  const lists = await Promise.all(Array.from({ length: 10 }, () => vms.list()));
  assert.deepEqual(lists.map((list) => list.length), Array(10).fill(2));
  assert.equal(engine.logins.length, 2);
  assert.equal((await vms.add({ name: "web" })).id, "3");
});

Deno.test("tls: insecure requests time out like the others", async () => {
  await using engine = await httpsEngine({
    api: () =>
      new Response(
        new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("<vms>")) }),
        { headers: { "Content-Type": "application/xml" } },
      ),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
    timeout: 300,
  });
  await assert.rejects(connection.systemService().vmsService().list(), TimeoutError);
});

Deno.test("tls: insecure works for plain http URLs too", async () => {
  await using engine = await startFakeEngine({ api: () => xml("<vms/>") });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
  });
  assert.deepEqual(await connection.systemService().vmsService().list(), []);
});

Deno.test("tls: insecure needs no Deno flag but --allow-net (no --allow-sys, no env)", async () => {
  await using engine = await httpsEngine();
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-insecure-" });
  try {
    const script = `${dir}/insecure.ts`;
    await Deno.writeTextFile(
      script,
      `import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const connection = new Connection({ url: Deno.args[0], username: Deno.args[1],
  password: Deno.args[2], insecure: true, retry: false });
console.log((await connection.systemService().vmsService().list()).length);
await connection.close();`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-net", script, engine.url, USERNAME, PASSWORD],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.equal(new TextDecoder().decode(output.stdout).trim(), "1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A TLS server (the test certificate) that answers 200 and keeps every request's body. */
function recordingServer(): Deno.HttpServer<Deno.NetAddr> & { received: Uint8Array[] } {
  const received: Uint8Array[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.cert, key: tls.key, onListen() {} },
    async (request) => {
      received.push(await request.bytes());
      return new Response(null, { status: 200 });
    },
  );
  return Object.assign(server, { received });
}

Deno.test("tls: insecure transfer requests send exactly the bytes of a body that is a view", async () => {
  await using server = recordingServer();
  const { received } = server;
  await using connection = new Connection({
    url: `https://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    token: "t",
    insecure: true,
  });
  const whole = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);
  const view = whole.subarray(1000, 3000);
  const response = await connection.transferRequest({
    method: "PUT",
    url: `https://127.0.0.1:${server.addr.port}/images/t`,
    body: view,
  });
  await response.body.cancel();
  assert.deepEqual(received, [whole.slice(1000, 3000)]);
});

Deno.test("tls: transfer uploads check the server against caCerts too", async () => {
  await using server = recordingServer();
  const { received } = server;
  const url = `https://127.0.0.1:${server.addr.port}`;
  const body = Uint8Array.from({ length: 10_000 }, (_, i) => i % 253).subarray(10, 9_000);
  {
    await using trusting = new Connection({
      url: `${url}/ovirt-engine/api`,
      token: "t",
      caCerts: [tls.caCert],
    });
    const response = await trusting.transferRequest({ method: "PUT", url: `${url}/i/t`, body });
    await response.body.cancel();
    assert.equal(response.status, 200);
    assert.deepEqual(received, [body.slice()]);
  }
  await using wary = new Connection({
    url: `${url}/ovirt-engine/api`,
    token: "t",
    caCerts: [tls.otherCaCert],
  });
  await assert.rejects(
    wary.transferRequest({ method: "PUT", url: `${url}/i/t`, body }),
    (error) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /not signed by a CA this connection trusts/, "node:https too");
      return true;
    },
  );
  assert.equal(received.length, 1, "nothing reached a server the CAs do not vouch for");
});

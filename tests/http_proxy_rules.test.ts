import assert from "node:assert/strict";
import net from "node:net";
import { Connection } from "../mod.ts";
import { ConnectionError, OvirtError } from "../transport/errors.ts";
import { proxyFor } from "../transport/proxy_env.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { tlsMaterial } from "./http_tls_material.ts";

/**
 * A proxy on loopback that answers every plain request itself with `proxy` (so that a request
 * it carried tells), and tunnels `CONNECT` to 127.0.0.1 whatever the name asked for, as a
 * corporate proxy resolves names the client cannot. It records the tunnels' targets.
 */
function startProxy() {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once("data", (head: Uint8Array) => {
      const first = new TextDecoder().decode(head).split("\r\n")[0];
      const connect = /^CONNECT (\S+):(\d+) /.exec(first);
      if (!connect) {
        client.end("HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nproxy");
        return;
      }
      tunnels.push(`${connect[1]}:${connect[2]}`);
      const upstream = net.connect(Number(connect[2]), "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on("error", () => client.destroy());
    });
    client.on("error", () => {});
  });
  return new Promise<{ url: string; tunnels: string[] } & AsyncDisposable>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        tunnels,
        async [Symbol.asyncDispose]() {
          for (const socket of sockets) socket.destroy();
          await new Promise((done) => server.close(done));
        },
      });
    });
  });
}

/**
 * A SOCKS5 proxy on loopback (no authentication) that connects every target to 127.0.0.1 at
 * its port, and records the targets (`host:port`).
 */
function startSocksProxy() {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("error", () => {});
    client.once("data", () => { // greeting: version 5 and its methods; "no authentication"
      client.write(new Uint8Array([5, 0]));
      client.once("data", (request: Uint8Array) => { // version, CONNECT, 0, address type, ...
        const kind = request[3];
        const hostEnd = kind === 3 ? 5 + request[4] : kind === 1 ? 8 : 20;
        const host = kind === 3
          ? new TextDecoder().decode(request.subarray(5, hostEnd))
          : Array.from(request.subarray(4, hostEnd)).join(".");
        const port = (request[hostEnd] << 8) | request[hostEnd + 1];
        targets.push(`${host}:${port}`);
        const upstream = net.connect(port, "127.0.0.1", () => {
          client.write(new Uint8Array([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on("error", () => client.destroy());
      });
    });
  });
  return new Promise<{ url: string; targets: string[] } & AsyncDisposable>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `socks5://127.0.0.1:${port}`,
        targets,
        async [Symbol.asyncDispose]() {
          for (const socket of sockets) socket.destroy();
          await new Promise((done) => server.close(done));
        },
      });
    });
  });
}

/** The proxy variables, which the tests set: each test starts and ends without them. */
const VARIABLES = [
  "ALL_PROXY",
  "all_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
  "REQUEST_METHOD",
];

/** Runs `work` with exactly the variables of `env` set among {@link VARIABLES}. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = VARIABLES.map((name) => [name, Deno.env.get(name)] as const);
  for (const name of VARIABLES) Deno.env.delete(name);
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  try {
    return await work();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

/**
 * Whether Deno's `fetch` sends a request for `url` through the proxy (its answer is the
 * proxy's), with a client made now: Deno reads the variables when a client is made.
 */
async function fetchRoute(url: string, proxy?: string): Promise<"proxy" | "direct"> {
  const client = Deno.createHttpClient(proxy ? { proxy: { url: proxy } } : {});
  try {
    // Every route answers or fails at once; the limit only bounds a hang, and is long enough
    // for a machine busy with the rest of the suite (2 s was not: a proxied answer was late).
    const response = await fetch(url, { client, signal: AbortSignal.timeout(15_000) });
    return (await response.text()) === "proxy" ? "proxy" : "direct";
  } catch {
    return "direct"; // no answer: not the proxy, which answers
  } finally {
    client.close();
  }
}

Deno.test("proxy rules: the SDK routes each request as Deno's fetch does", async () => {
  await using proxy = await startProxy();
  const target = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("direct"),
  );
  const port = target.addr.port;
  const urls = [
    `http://127.0.0.1:${port}/`,
    `http://127.0.0.2:${port}/`,
    `http://localhost:${port}/`,
    `http://engine.lab.invalid:${port}/`,
  ];
  const cases: { env: Record<string, string>; option?: string }[] = [
    ...[
      "127.0.0.0/8",
      "127.0.0.2/32",
      "10.0.0.0/8",
      "127.0.0.1",
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      ".0.0.1",
      "*.localhost",
      "*",
      "localhost, 127.0.0.2",
      "127.0.0.1 localhost",
      "lab.invalid",
      ".lab.invalid",
      "*.lab.invalid",
      "b.invalid",
      "::1",
      "0.0.0.0/0",
      "LOCALHOST",
    ].map((noProxy) => ({ env: { HTTP_PROXY: proxy.url, NO_PROXY: noProxy } })),
    { env: { ALL_PROXY: proxy.url } },
    { env: { all_proxy: proxy.url } },
    { env: { http_proxy: proxy.url } },
    { env: { HTTP_PROXY: "", http_proxy: proxy.url } },
    { env: { HTTP_PROXY: "ftp://proxy.invalid", http_proxy: proxy.url } },
    { env: { HTTP_PROXY: proxy.url, REQUEST_METHOD: "GET" } },
    { env: { HTTP_PROXY: proxy.url, NO_PROXY: "", no_proxy: "127.0.0.1" } },
    { env: { HTTPS_PROXY: proxy.url } },
    { env: { NO_PROXY: "127.0.0.0/8" }, option: proxy.url },
    { env: { NO_PROXY: "*" }, option: proxy.url },
  ];
  const differences: string[] = [];
  try {
    for (const { env, option } of cases) {
      await withEnv(env, async () => {
        for (const url of urls) {
          const deno = await fetchRoute(url, option);
          const sdk = proxyFor(new URL(url), option ? new URL(option) : undefined)
            ? "proxy"
            : "direct";
          if (deno !== sdk) {
            differences.push(
              `${JSON.stringify(env)} ${option ?? ""} ${url}: fetch ${deno}, SDK ${sdk}`,
            );
          }
        }
      });
    }
  } finally {
    await target.shutdown();
  }
  assert.deepEqual(differences, []);
});

Deno.test("proxy rules: insecure requests reach a host only the proxy can resolve", async () => {
  const tls = await tlsMaterial();
  await using engine = await startFakeEngine({
    api: () => xml("<vms><vm id='1'><name>tunnelled</name></vm></vms>"),
    tls: { cert: tls.cert, key: tls.key },
  });
  await using proxy = await startProxy(); // closed first: the engine then has no tunnel open
  const url = new URL(engine.url);
  url.hostname = "engine.lab.invalid"; // no resolver here knows it; the proxy does
  await using connection = new Connection({
    url: url.href,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
    proxy: proxy.url,
    retry: false,
    timeout: 10_000,
  });
  assert.equal((await connection.systemService().vmsService().list())[0].name, "tunnelled");
  assert.ok(proxy.tunnels.length >= 2, "the login and the list went through tunnels");
  assert.ok(proxy.tunnels.every((target) => target === `engine.lab.invalid:${url.port}`));
});

Deno.test("proxy rules: without --allow-env, uploads take the API's route and connectTimeout says what it needs", async () => {
  const tls = await tlsMaterial();
  await using engine = await startFakeEngine({
    api: () => xml("<vms><vm id='1'><name>tunnelled</name></vm></vms>"),
    tls: { cert: tls.cert, key: tls.key },
  });
  const images = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.cert, key: tls.key, onListen() {} },
    async (request) => new Response(`stored ${(await request.bytes()).length}`),
  );
  await using proxy = await startProxy(); // closed first: the servers then have no tunnel open
  const url = new URL(engine.url);
  url.hostname = "localhost"; // the name the certificate has
  const script = `
    import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const [url, username, password, ca, images] = Deno.args;
    const options = { url, username, password, caCerts: [ca], retry: false, timeout: 10_000 };
    const run = async (what, work) => {
      try { console.log(what, await work()); } catch (error) { console.log(what, "failed:", error.message); }
    };
    await using connection = new Connection(options);
    await run("list", async () => (await connection.systemService().vmsService().list())[0].name);
    await run("upload", async () => {
      const response = await connection.transferRequest({ method: "PUT", url: images,
        body: new Uint8Array(8), headers: { "content-range": "bytes 0-7/8" } });
      return await new Response(response.body).text();
    });
    await using timed = new Connection({ ...options, connectTimeout: 1_000 });
    await run("timed", async () => (await timed.systemService().vmsService().list())[0].name);`;
  const imageUrl = `https://localhost:${images.addr.port}/images/ticket`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "--no-check", "--allow-net", "--allow-read", "--no-prompt", "-"],
      ...[url.href, USERNAME, PASSWORD, tls.caCert, imageUrl],
    ],
    env: { HTTPS_PROXY: proxy.url, NO_PROXY: "", NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const process = child.spawn();
  const writer = process.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const output = await process.output().finally(() => images.shutdown());
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(lines[0], "list tunnelled", "fetch reads HTTPS_PROXY without --allow-env");
  assert.equal(lines[1], "upload stored 8", "the upload went through the proxy too");
  assert.ok(proxy.tunnels.includes(`localhost:${url.port}`), "the API went through the proxy");
  assert.ok(proxy.tunnels.includes(`localhost:${images.addr.port}`), "so did the upload");
  assert.match(lines[2], /^timed failed: connectTimeout needs .* --allow-env=NO_PROXY,no_proxy,/);
});

Deno.test("proxy rules: a SOCKS proxy of ALL_PROXY carries uploads; insecure calls refuse it", async () => {
  const tls = await tlsMaterial();
  const images = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.cert, key: tls.key, onListen() {} },
    async (request) => new Response(`stored ${(await request.bytes()).length}`),
  );
  try {
    await using socks = await startSocksProxy(); // closed first: no tunnel left open
    await withEnv({ ALL_PROXY: socks.url }, async () => {
      const options = {
        url: "https://localhost:1/ovirt-engine/api",
        token: "t",
        retry: false as const,
      };
      await using connection = new Connection({ ...options, caCerts: [tls.caCert] });
      const response = await connection.transferRequest({
        method: "PUT",
        url: `https://localhost:${images.addr.port}/images/ticket`,
        body: new Uint8Array(8),
        headers: { "content-range": "bytes 0-7/8" },
      });
      assert.equal(await new Response(response.body).text(), "stored 8");
      assert.deepEqual(socks.targets, [`localhost:${images.addr.port}`], "it went through SOCKS");
      await using insecure = new Connection({ ...options, insecure: true });
      await assert.rejects(insecure.systemService().vmsService().list(), (error: Error) => {
        // A setting to change, refused once: no network failure to repeat.
        assert.ok(
          error instanceof OvirtError && !(error instanceof ConnectionError),
          String(error),
        );
        assert.match(error.message, /proxy socks5:\/\/127\.0\.0\.1:\d+ is not an HTTP proxy/);
        return true;
      });
    });
    await withEnv({ ALL_PROXY: "socks5://127.0.0.1:1" }, async () => {
      // A SOCKS proxy that is not there is named by its URL (its `origin` is "null").
      await using viaNothing = new Connection({
        url: "https://localhost:1/ovirt-engine/api",
        token: "t",
        retry: false,
      });
      await assert.rejects(viaNothing.systemService().vmsService().list(), (error: Error) => {
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, /through the proxy socks5:\/\/127\.0\.0\.1:1: /);
        return true;
      });
    });
  } finally {
    await images.shutdown();
  }
});

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { ConnectionError } from "../transport/errors.ts";
import { bypassed } from "../transport/proxy_env.ts";
import { startForwardProxy } from "./http_proxy_server.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";
import { tlsMaterial } from "./http_tls_material.ts";

const tls = await tlsMaterial();
const VMS = () => xml("<vms><vm id='1'><name>via</name></vm></vms>");

Deno.test("proxy: the proxy option carries plain requests (fetch)", async () => {
  await using proxy = await startForwardProxy();
  await using engine = await startFakeEngine({ api: VMS });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    proxy: proxy.url,
  });
  assert.equal((await connection.systemService().vmsService().list())[0].name, "via");
  assert.ok(proxy.forwarded.some((target) => target.endsWith("/ovirt-engine/api/vms")));
  assert.ok(proxy.forwarded.some((target) => target.endsWith("/sso/oauth/token")));
});

Deno.test("proxy: insecure connections tunnel TLS through the proxy, with its credentials", async () => {
  await using proxy = await startForwardProxy();
  await using engine = await startFakeEngine({ api: VMS, tls: { cert: tls.cert, key: tls.key } });
  const proxyUrl = new URL(proxy.url);
  proxyUrl.username = "puser";
  proxyUrl.password = "p@ss";
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    insecure: true,
    proxy: proxyUrl.href,
  });
  assert.equal((await connection.systemService().vmsService().list())[0].name, "via");
  const port = new URL(engine.url).port;
  assert.ok(proxy.tunnels.length >= 2, "the login and the list went through tunnels");
  assert.ok(proxy.tunnels.every((target) => target === `127.0.0.1:${port}`));
  assert.equal(proxy.authorizations[0], `Basic ${btoa("puser:p@ss")}`);
});

for (const [transport, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
  Deno.test(`proxy (${transport}): a proxy that cannot be reached is named, without its credentials`, async () => {
    await using engine = await startFakeEngine({ api: VMS });
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = closed.addr as Deno.NetAddr;
    closed.close(); // nothing listens there any more
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      proxy: `http://puser:pr0xy-s3cret@127.0.0.1:${port}`,
      retry: false,
      ...extra,
    });
    await assert.rejects(connection.systemService().vmsService().list(), (error: Error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(
        error.message,
        new RegExp(
          `^Cannot talk to ${
            new URL(engine.url).origin
          } through the proxy http://127\\.0\\.0\\.1:${port}: `,
        ),
      );
      assert.ok(!error.message.includes("pr0xy-s3cret"), error.message);
      return true;
    });
  });
}

Deno.test("proxy: HTTPS_PROXY and NO_PROXY are honoured by insecure connections", async () => {
  await using proxy = await startForwardProxy();
  await using engine = await startFakeEngine({ api: VMS, tls: { cert: tls.cert, key: tls.key } });
  const script = `
    import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const connection = new Connection({ url: Deno.args[0], username: Deno.args[1],
      password: Deno.args[2], insecure: true });
    console.log((await connection.systemService().vmsService().list())[0].name);
    await connection.close();`;
  const run = async (env: Record<string, string>) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-check", script, engine.url, USERNAME, PASSWORD],
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout).trim();
  };
  assert.equal(await run({ HTTPS_PROXY: proxy.url }), "via");
  const tunnelled = proxy.tunnels.length;
  assert.ok(tunnelled >= 2);
  assert.equal(await run({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" }), "via");
  assert.equal(proxy.tunnels.length, tunnelled, "NO_PROXY sent it direct");
});

Deno.test("proxy: NO_PROXY entries match hosts and domains, as Deno's fetch does", () => {
  const url = new URL("https://engine.lab.example.com/ovirt-engine/api");
  assert.equal(bypassed(url, "*"), true);
  assert.equal(bypassed(url, "other.com, .example.com"), true);
  assert.equal(bypassed(url, "lab.example.com"), true);
  // Deno's fetch never matches an entry with a port: neither does the SDK (same route).
  assert.equal(bypassed(url, "engine.lab.example.com:443"), false);
  assert.equal(bypassed(url, "engine.lab.example.com:8443"), false);
  assert.equal(bypassed(url, "ample.com,example.org"), false);
  assert.equal(bypassed(new URL("http://[::1]:80/"), "::1"), true);
});

import { spawnScript } from "./script_child.ts";
import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { ConnectionError, TimeoutError } from "../transport/errors.ts";
import { withPython } from "./python_available.ts";

/**
 * A loopback port whose connections never complete: a listening socket with a backlog of
 * zero that never accepts, its one queue place taken (the kernel then drops new SYNs).
 * Deno cannot set a backlog, so Python's socket module does it.
 */
async function blackHole() {
  const python = new Deno.Command("python3", {
    args: [
      "-c",
      "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\n" +
      "print(s.getsockname()[1],flush=True)\ntime.sleep(120)",
    ],
    stdout: "piped",
  }).spawn();
  const reader = python.stdout.getReader();
  const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
  reader.releaseLock();
  const filler = await Deno.connect({ hostname: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    async [Symbol.asyncDispose]() {
      filler.close();
      python.kill();
      await python.stdout.cancel();
      await python.status;
    },
  };
}

for (const [name, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
  Deno.test({
    ...withPython(`connectTimeout (${name}): a host that never accepts fails fast, as never sent`),
    async fn() {
      await using hole = await blackHole();
      const options: ConnectionOptions = {
        url: hole.url,
        token: "t",
        timeout: 20_000,
        retry: { attempts: 2, delay: 1 },
        ...extra,
      };
      await using connection = new Connection({ ...options, connectTimeout: 150 });
      await assert.rejects(connection.systemService().vmsService().add({ name: "x" }), (error) => {
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, /within 150 ms \(connectTimeout\)/);
        assert.equal(error.attempts?.length, 2, "an add that never left is tried again");
        return true;
      });
      await using patient = new Connection({ ...options, timeout: 300, retry: false });
      await assert.rejects(patient.systemService().vmsService().list(), TimeoutError);
    },
  });
}

Deno.test({
  ...withPython(
    "connectTimeout (fetch): calls sharing one probe each stop at their own signal only",
  ),
  async fn() {
    await using hole = await blackHole();
    const options: ConnectionOptions = {
      url: hole.url,
      token: "t",
      connectTimeout: 1_000,
      retry: { attempts: 2, delay: 1 },
    };
    const settled = (call: Promise<unknown>) => {
      const started = performance.now();
      return call.then(
        () => assert.fail("a call to a host that never accepts resolved"),
        (error) => ({ error, millis: performance.now() - started }),
      );
    };
    await using connection = new Connection(options);
    const vms = connection.systemService().vmsService();
    // The first caller gives up early: the calls waiting on the same probe go on.
    const impatient = settled(vms.list({ signal: AbortSignal.timeout(150) }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const add = settled(vms.add({ name: "x" }));
    const { error: impatientError } = await impatient;
    assert.ok(impatientError instanceof TimeoutError, "AbortSignal.timeout() is a time limit");
    assert.match(impatientError.message, /within its signal's time limit/);
    const { error } = await add;
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /within 1000 ms \(connectTimeout\)/);
    assert.equal(error.attempts?.length, 2, "an add that never left is tried again");

    // A later caller's own signal ends its wait, before the probe's limit.
    await using other = new Connection({ ...options, retry: false });
    const otherVms = other.systemService().vmsService();
    const patient = settled(otherVms.list());
    const late = await settled(otherVms.list({ signal: AbortSignal.timeout(150) }));
    assert.match(late.error.message, /within its signal's time limit/);
    assert.ok(late.millis < 700, `the later caller waited ${Math.round(late.millis)} ms`);
    assert.match((await patient).error.message, /within 1000 ms \(connectTimeout\)/);
  },
});

Deno.test({
  ...withPython("connectTimeout (fetch): a probe past its limit no longer keeps the script alive"),
  async fn() {
    await using hole = await blackHole();
    const script = `
      import { Connection } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
      const connection = new Connection({ url: ${JSON.stringify(hole.url)}, token: "t",
        connectTimeout: 100, retry: false });
      await connection.systemService().vmsService().list().catch((e) => console.log(e.message));
      await connection.close();
    `;
    // connectTimeout needs the proxy variables (see README "Connection options").
    const child = await spawnScript(script, ["--allow-net", "--allow-read", "--allow-env"]);
    // The system gives up on a connect that is never answered after about two minutes: a
    // script still running after 30 s was held by the probe's connect.
    const watchdog = setTimeout(() => child.kill(), 30_000);
    const { code, stdout } = await child.output();
    clearTimeout(watchdog);
    assert.match(new TextDecoder().decode(stdout), /within 100 ms \(connectTimeout\)/);
    assert.equal(code, 0, "the script ended by itself");
  },
});

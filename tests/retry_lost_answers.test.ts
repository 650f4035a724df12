/**
 * Answers a proxy lost, and the error that ends a call made more than once, over real HTTP:
 * a change answered 502 or 504 is `maybeApplied` and says that the engine may have carried it
 * out (also when the call ends while waiting to repeat it, and for `ovirt`, which exits 8, and
 * `uploadImage`, which names the disk); only a real refusal says that it was not carried out;
 * the final error names every attempt, whatever answer ended the call; `whileLocked` keeps a
 * large fault; a long `Retry-After` is said; connection failures that differ only by the
 * client's port are told once.
 */

import assert from "node:assert/strict";
import {
  ConflictError,
  Connection,
  type ConnectionOptions,
  NotFoundError,
  OvirtError,
  TimeoutError,
  uploadImage,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { cliHome, ovirt, simulatorEnv } from "./cli_harness.ts";
import { startRawServer } from "./http_raw_server.ts";

const XML = { "content-type": "application/xml" };
const HTML = { "content-type": "text/html" };

/** What a proxy answers when the engine behind it did not answer in time. */
function gatewayTimeout(): Response {
  return new Response("<html><h1>504 Gateway Timeout</h1></html>", { status: 504, headers: HTML });
}

/** An answer of a test server: a status, and an XML body or the proxy's HTML page. */
function answer(status: number, body?: string, headers: Record<string, string> = {}): Response {
  if (body !== undefined) return new Response(body, { status, headers: { ...XML, ...headers } });
  return new Response(`<html>${status}</html>`, { status, headers: { ...HTML, ...headers } });
}

/** A server answering the API's requests with `answers` in turn, and the methods it was sent. */
function serve(answers: (() => Response)[]) {
  const methods: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    methods.push(request.method);
    await request.body?.cancel();
    return (answers.shift() ?? (() => answer(500)))();
  });
  return {
    methods,
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function connect(url: string, options: Partial<ConnectionOptions> = {}): Connection {
  return new Connection({ url, token: "t", retry: { delay: 1, maxDelay: 5 }, ...options });
}

/**
 * A proxy in front of `sim` that passes every request on, but answers those `lose` picks
 * with a 504 once the engine has carried them out: the answer it lost.
 */
function lossyProxy(
  sim: Simulator,
  lose: (method: string, path: string) => boolean,
  lateBy = 0,
) {
  const target = new URL(sim.url).origin;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const { pathname, search } = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const body = request.body ? await request.arrayBuffer() : undefined;
    const answered = await fetch(target + pathname + search, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
    });
    if (lose(request.method, pathname)) {
      await answered.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, lateBy));
      return gatewayTimeout();
    }
    return new Response(answered.body, { status: answered.status, headers: answered.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const LOST_NOTE = /\. It was sent, so the engine may have carried it out: look for its result/;

Deno.test("an add or an action answered 502 or 504 may have been carried out", async () => {
  for (const status of [502, 504]) {
    await using server = serve([() => answer(status), () => answer(status)]);
    await using connection = connect(server.url);
    const vms = connection.systemService().vmsService();
    for (const call of [() => vms.add({ name: "x" }), () => vms.vmService("1").start()]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof OvirtError, String(error));
        assert.equal(error.code, status);
        assert.equal(error.maybeApplied, true, error.message);
        assert.match(error.message, new RegExp(`^Answer lost \\(HTTP ${status} .* from POST `));
        assert.match(error.message, LOST_NOTE);
        assert.doesNotMatch(error.message, /may be starting/);
        return true;
      });
    }
    assert.deepEqual(server.methods, ["POST", "POST"], "each sent once");
  }
});

Deno.test("a read answered 504 to the end is no change: not maybeApplied", async () => {
  await using server = serve([gatewayTimeout, gatewayTimeout]);
  await using connection = connect(server.url, { retry: { attempts: 2, delay: 1 } });
  await assert.rejects(connection.systemService().vmsService().list(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.maybeApplied, false);
    assert.match(error.message, /^Unavailable \(HTTP 504 /);
    return true;
  });
});

Deno.test("an update answered 504 on every attempt may have been carried out", async () => {
  await using server = serve([gatewayTimeout, gatewayTimeout, gatewayTimeout]);
  await using connection = connect(server.url, { retry: { attempts: 3, delay: 1 } });
  const update = connection.systemService().vmsService().vmService("1").update({ name: "y" });
  await assert.rejects(update, (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.maybeApplied, true);
    assert.match(error.message, LOST_NOTE);
    assert.ok(error.message.endsWith("(3 attempts, each failing the same way)"), error.message);
    return true;
  });
  assert.deepEqual(server.methods, ["PUT", "PUT", "PUT"]);
});

Deno.test("a refusal after a lost answer does not undo it: the change may have been made", async () => {
  await using server = serve([gatewayTimeout, () => answer(503)]);
  await using connection = connect(server.url, { retry: { attempts: 2, delay: 1 } });
  const remove = connection.systemService().vmsService().vmService("1").remove();
  await assert.rejects(remove, (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.code, 503);
    assert.equal(error.maybeApplied, true);
    assert.match(error.message, /An earlier attempt was sent and its answer lost, so the engine/);
    assert.deepEqual(error.attempts, ["HTTP 504 Gateway Timeout", "HTTP 503 Service Unavailable"]);
    return true;
  });
});

Deno.test("a change answered 504, ended while waiting to repeat it, is not told as refused", async () => {
  const slow = { retry: { attempts: 4, delay: 5_000, maxDelay: 5_000 } };
  {
    await using server = serve([gatewayTimeout]);
    await using connection = connect(server.url, slow);
    const vm = connection.systemService().vmsService().vmService("1");
    await assert.rejects(
      vm.update({ name: "y" }, { signal: AbortSignal.timeout(300) }),
      (error) => {
        assert.ok(error instanceof TimeoutError, String(error));
        assert.equal(error.maybeApplied, true);
        assert.match(error.message, LOST_NOTE);
        assert.doesNotMatch(error.message, /refused/);
        return true;
      },
    );
  }
  {
    // A later refusal (503: not received) does not make the first attempt's loss untrue.
    const refusal = () => answer(503, undefined, { "retry-after": "1" });
    await using server = serve([gatewayTimeout, refusal]);
    await using connection = connect(server.url);
    const remove = connection.systemService().vmsService().vmService("1").remove({
      signal: AbortSignal.timeout(400),
    });
    await assert.rejects(remove, (error) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.maybeApplied, true, error.message);
      assert.doesNotMatch(error.message, /refused/);
      return true;
    });
    assert.deepEqual(server.methods, ["DELETE", "DELETE"]);
  }
  {
    const controller = new AbortController();
    await using server = serve([gatewayTimeout]);
    await using connection = connect(server.url, slow);
    setTimeout(() => controller.abort(new Error("stop")), 300);
    const remove = connection.systemService().vmsService().vmService("1").remove({
      signal: controller.signal,
    });
    await assert.rejects(remove, (error) => {
      assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
      assert.equal(error.maybeApplied, true);
      assert.match(error.message, /^The request was aborted\. It was sent, so the engine may/);
      return true;
    });
  }
});

Deno.test("a real refusal, ended while waiting to repeat it, still says it was not carried out", async () => {
  await using server = serve([() => answer(503)]);
  await using connection = connect(server.url, { retry: { attempts: 4, delay: 5_000 } });
  const update = connection.systemService().vmsService().vmService("1").update({ name: "y" }, {
    signal: AbortSignal.timeout(300),
  });
  await assert.rejects(update, (error) => {
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.maybeApplied, false);
    assert.match(error.message, /the engine refused it, so it was not carried out/);
    return true;
  });
});

Deno.test("the final error names the earlier attempts whatever answer ended the call", async () => {
  const fault = "<fault><reason>Operation Failed</reason><detail>[Internal Engine Error]</detail>" +
    "</fault>";
  {
    await using server = serve([() => answer(503), () => answer(503), () => answer(500, fault)]);
    await using connection = connect(server.url);
    await assert.rejects(connection.systemService().vmsService().vmService("1").get(), (error) => {
      assert.ok(error instanceof OvirtError);
      assert.equal(error.code, 500);
      assert.equal(error.fault?.detail, "[Internal Engine Error]");
      assert.ok(
        error.message.endsWith(
          "(3 attempts: 2 × HTTP 503 Service Unavailable; HTTP 500 Internal Server Error)",
        ),
        error.message,
      );
      assert.equal(error.attempts?.length, 3);
      return true;
    });
  }
  {
    await using server = serve([() => answer(503), () => answer(404, "<fault/>")]);
    await using connection = connect(server.url);
    await assert.rejects(connection.systemService().vmsService().vmService("1").get(), (error) => {
      assert.ok(error instanceof NotFoundError, String(error));
      assert.deepEqual(error.attempts, ["HTTP 503 Service Unavailable", "HTTP 404 Not Found"]);
      return true;
    });
  }
  {
    // The README's own example: an add sent twice, the second answer lost by the proxy.
    await using server = serve([() => answer(503), () => answer(502)]);
    await using connection = connect(server.url);
    await assert.rejects(connection.systemService().vmsService().add({ name: "x" }), (error) => {
      assert.ok(error instanceof OvirtError);
      assert.equal(error.maybeApplied, true);
      assert.ok(
        error.message.endsWith(
          "(2 attempts: HTTP 503 Service Unavailable; HTTP 502 Bad Gateway)",
        ),
        error.message,
      );
      return true;
    });
    assert.deepEqual(server.methods, ["POST", "POST"]);
  }
});

Deno.test("whileLocked reads a large fault whole: its lock is seen and its detail kept", async () => {
  const disks = Array.from({ length: 150_000 }, (_, i) => `disk_${i}`).join(", ");
  const detail = `[Cannot remove Storage Domain. The following disks are locked: ${disks}.]`;
  const body = `<fault><reason>Operation Failed</reason><detail>${detail}</detail></fault>`;
  assert.ok(body.length > 1 << 20, "past a MiB");
  await using server = serve([() => answer(409, body), () => answer(409, body)]);
  await using connection = connect(server.url, {
    retry: { whileLocked: { attempts: 2, delay: 1, maxDelay: 1 } },
  });
  const remove = connection.systemService().storageDomainsService().storageDomainService("sd1")
    .remove();
  await assert.rejects(remove, (error) => {
    assert.ok(error instanceof ConflictError, String(error));
    assert.equal(error.locked, true);
    assert.equal(error.fault?.detail, detail);
    assert.equal(error.attempts?.length, 2, "repeated: it is locked");
    return true;
  });
  assert.deepEqual(server.methods, ["DELETE", "DELETE"]);
});

Deno.test("a Retry-After longer than the SDK waits, or than the call has left, is said", async () => {
  const asked = (seconds: number) => () =>
    answer(503, undefined, { "retry-after": String(seconds) });
  {
    await using server = serve([asked(300)]);
    await using connection = connect(server.url);
    await assert.rejects(connection.systemService().vmsService().list(), (error) => {
      assert.ok(error instanceof OvirtError);
      assert.match(
        error.message,
        /; the server asked to wait 300 s before trying again, more than the 120 s the SDK waits$/,
      );
      return true;
    });
    assert.equal(server.methods.length, 1);
  }
  {
    await using server = serve([asked(2)]);
    await using connection = connect(server.url, { timeout: 500 });
    await assert.rejects(connection.systemService().vmsService().list(), (error) => {
      assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
      assert.match(error.message, /asked to wait 2 s before trying again, more than the call had/);
      return true;
    });
  }
});

Deno.test("connection failures that differ only by the client's port are told once", async () => {
  await using server = startRawServer(() => "drop");
  await using connection = connect(server.origin + "/ovirt-engine/api");
  await assert.rejects(connection.systemService().vmsService().vmService("1").get(), (error) => {
    assert.ok(error instanceof OvirtError);
    assert.equal(error.attempts?.length, 4);
    assert.equal(new Set(error.attempts).size, 1, error.attempts?.join("\n"));
    assert.ok(error.message.endsWith("(4 attempts, each failing the same way)"), error.message);
    return true;
  });
  assert.equal(server.requests.length, 4);
});

Deno.test("ovirt exits 8 for an add whose answer a proxy lost, and the VM was made", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using proxy = lossyProxy(
    sim,
    (method, path) => method === "POST" && path.endsWith("/api/vms"),
  );
  await using home = await cliHome();
  const run = await ovirt(
    ["vm", "add", "--name", "proxied", "--cluster", "Default", "--template", "Blank"],
    { ...home.env, ...simulatorEnv(sim), OVIRT_URL: proxy.url },
  );
  assert.equal(run.code, 8, run.stderr);
  assert.match(run.stderr, /may have carried it out/);
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const made = await connection.systemService().vmsService().list({ search: "name=proxied" });
  assert.equal(made.length, 1, "the engine made the VM, as the exit code warned");
});

/**
 * Uploads an image named `name` through a proxy that answers the disk's add 504 `lateBy` ms
 * after the engine made it (with `signal`); asserts the upload fails with `message` and that
 * the engine made the disk indeed.
 */
async function uploadWithLostAdd(
  name: string,
  message: RegExp,
  { lateBy = 0, signal }: { lateBy?: number; signal?: AbortSignal } = {},
): Promise<OvirtError> {
  await using sim = await startSimulator({ delay: 0 });
  await using proxy = lossyProxy(
    sim,
    (method, path) => method === "POST" && path.endsWith("/api/disks"),
    lateBy,
  );
  await using connection = new Connection({
    url: proxy.url,
    username: sim.username,
    password: sim.password,
  });
  const path = await Deno.makeTempFile({ suffix: ".raw" });
  try {
    await Deno.writeFile(path, new Uint8Array(1 << 20).fill(7));
    const upload = uploadImage(connection, path, {
      storageDomain: "data",
      name,
      pollInterval: 10,
      signal,
    });
    const error = await upload.then(() => assert.fail("the upload succeeded"), (error) => error);
    assert.ok(error instanceof OvirtError, String(error));
    assert.match(error.message, message);
    const made = await connection.systemService().disksService().list({
      search: `name=${name}`,
    });
    assert.equal(made.length, 1, "the engine made it indeed");
    return error;
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("uploadImage whose disk add a proxy answered 504 names the disk that may exist", async () => {
  const error = await uploadWithLostAdd(
    "proxied-disk",
    /; a disk named "proxied-disk" may have been made: look for it$/,
  );
  assert.equal(error.maybeApplied, true);
});

Deno.test("uploadImage aborted while a proxy loses its disk add's answer names the disk that may exist", async () => {
  // The 504 comes 600 ms after the add, the upload is aborted at 200 ms, meanwhile.
  await uploadWithLostAdd(
    "late-disk",
    /; a disk named "late-disk" may have been made \(OvirtError, HTTP 504\): look for it$/,
    { lateBy: 600, signal: AbortSignal.timeout(200) },
  );
});

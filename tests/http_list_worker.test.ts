import assert from "node:assert/strict";
import { OvirtError } from "../transport/errors.ts";
import { FetchTransport } from "../transport/fetch_transport.ts";
import type { BodyReader, HttpRequest, TransportResponse } from "../transport/http.ts";
import { ListWorker } from "../transport/list_worker.ts";
import { takeFrontRoom } from "../transport/xml/front_room.ts";
import { tlsMaterial } from "./http_tls_material.ts";
import { CLOSED_PORT } from "./closed_port.ts";
import { startForwardProxy } from "./http_proxy_server.ts";
import { startSimulator } from "../testing/mod.ts";

/** Byte `i` of every body the test server sends. */
const byteAt = (i: number) => i % 251;

/** What the test server saw of one request. */
interface Served {
  /** The client's port: one per connection. */
  readonly port: number;
  /** Body bytes handed to the server's stream so far. */
  sent: number;
  /** Whether the client let go of the body before its end. */
  cancelled: boolean;
}

/**
 * A plain HTTP server: `/bytes/N` answers N bytes (streamed, or with `?length` a declared
 * length), `/gzip/N` the same N bytes gzip-encoded, `/status/N` answers status N with a
 * header and a short body, `/slow` answers only once `release` is called.
 */
function startServer(tls?: { cert: string; key: string }) {
  const served: Served[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    ...tls,
  }, async (request, info) => {
    const url = new URL(request.url);
    const seen: Served = { port: info.remoteAddr.port, sent: 0, cancelled: false };
    served.push(seen);
    const [, kind, value] = url.pathname.split("/");
    if (kind === "status") {
      return new Response("short", {
        status: Number(value),
        headers: { "x-test": "kept", ...(value === "302" ? { location: "/elsewhere" } : {}) },
      });
    }
    if (kind === "slow") await released;
    if (kind === "gzip") {
      const bytes = Uint8Array.from({ length: Number(value) }, (_, i) => byteAt(i));
      const zipped = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
      return new Response(zipped, { headers: { "content-encoding": "gzip" } });
    }
    const total = Number(value ?? 0);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = Math.min(64 * 1024, total - seen.sent);
        if (size <= 0) return controller.close();
        const piece = new Uint8Array(size);
        for (let i = 0; i < size; i++) piece[i] = byteAt(seen.sent + i);
        seen.sent += size;
        controller.enqueue(piece);
      },
      cancel() {
        seen.cancelled = true;
      },
    }, { highWaterMark: 0 });
    const headers: Record<string, string> = { "content-type": "application/xml" };
    if (url.searchParams.has("length")) headers["content-length"] = String(total);
    return new Response(body, { headers });
  });
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${server.addr.port}`;
  return {
    served,
    release,
    url: (path: string) => new URL(path, origin),
    async [Symbol.asyncDispose]() {
      release();
      await server.shutdown();
    },
  };
}

function get(url: URL, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: "GET", url, headers: { accept: "application/xml" }, bulk: true, ...extra };
}

/** `worker`, closed when disposed of. */
function disposable(worker: ListWorker): ListWorker & Disposable {
  return Object.assign(worker, { [Symbol.dispose]: () => worker.close() });
}

/** A started list worker, once ready. */
async function readyWorker(options = {}): Promise<ListWorker & Disposable> {
  const worker = new ListWorker(options);
  while (!worker.ready) await new Promise((resolve) => setTimeout(resolve, 5));
  return disposable(worker);
}

/** Reads `body` to its end and checks every byte; resolves to the length and piece count. */
async function readChecked(body: BodyReader): Promise<{ length: number; pieces: number }> {
  let length = 0;
  let pieces = 0;
  for (;;) {
    const chunk = await body.read();
    if (chunk.done) return { length, pieces };
    pieces++;
    for (let i = 0; i < chunk.value.length; i++) {
      if (chunk.value[i] !== byteAt(length + i)) assert.fail(`byte ${length + i} differs`);
    }
    length += chunk.value.length;
  }
}

/** Resolves once `value()` has stayed the same over several looks (a stalled transfer). */
async function settled(value: () => number): Promise<number> {
  let last = -1;
  for (let same = 0, looks = 0; same < 4 && looks < 400; looks++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    same = value() === last ? same + 1 : 0;
    last = value();
  }
  return last;
}

Deno.test("list worker: bodies arrive whole and in order, streamed or of a declared length", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  for (const path of ["/bytes/0", "/bytes/1", "/bytes/70000", "/bytes/5000000?length"]) {
    const response = await worker.send(get(server.url(path)));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/xml");
    const expected = Number(path.split("/")[2].split("?")[0]);
    assert.equal((await readChecked(response.body)).length, expected, path);
  }
});

Deno.test("list worker: a gzip-encoded body arrives decoded, whole", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const response = await worker.send(get(server.url("/gzip/3000000")));
  assert.equal(response.headers.get("content-encoding"), "gzip");
  assert.equal((await readChecked(response.body)).length, 3_000_000);
});

Deno.test("list worker: the proxy it is given carries its requests", async () => {
  await using proxy = await startForwardProxy();
  await using server = startServer();
  using worker = await readyWorker({ proxy: new URL(proxy.url) });
  const url = server.url("/bytes/3000000");
  const response = await worker.send(get(url));
  assert.equal((await readChecked(response.body)).length, 3_000_000);
  assert.deepEqual(proxy.forwarded, [url.href]);
});

Deno.test("list worker: the head is passed on as it came, redirects included", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const missing = await worker.send(get(server.url("/status/404")));
  assert.equal(missing.status, 404);
  assert.equal(missing.statusText, "Not Found");
  assert.equal(missing.headers.get("x-test"), "kept");
  assert.equal(new TextDecoder().decode((await missing.body.read()).value), "short");
  assert.equal((await missing.body.read()).done, true);
  const moved = await worker.send(get(server.url("/status/302")));
  assert.equal(moved.status, 302, "not followed");
  assert.equal(moved.headers.get("location"), "/elsewhere");
  await moved.body.cancel();
});

Deno.test("list worker: a reader that stops reading holds the transfer back", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const response = await worker.send(get(server.url("/bytes/1000000000")));
  assert.equal((await response.body.read()).done, false);
  const sent = await settled(() => server.served[0].sent);
  // The worker's 4 MiB, two pieces posted ahead, and what the sockets and streams buffer.
  assert.ok(sent < 64 * 1024 * 1024, `${sent} bytes sent to a reader that took one piece`);
  await response.body.cancel();
  await settled(() => Number(server.served[0].cancelled));
  assert.equal(server.served[0].cancelled, true, "the server saw the body let go");
});

Deno.test("list worker: the request's signal aborts the body being read", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const abort = new AbortController();
  const response = await worker.send(
    get(server.url("/bytes/1000000000"), { signal: abort.signal }),
  );
  await response.body.read();
  const reason = new Error("stop now");
  abort.abort(reason);
  await assert.rejects(readChecked(response.body), (error) => error === reason);
  await settled(() => Number(server.served[0].cancelled));
  assert.equal(server.served[0].cancelled, true);
});

Deno.test("list worker: the request's signal aborts a request waiting for its head", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const abort = new AbortController();
  const sent = worker.send(get(server.url("/slow/10"), { signal: abort.signal }));
  await settled(() => server.served.length);
  const reason = new Error("too slow");
  abort.abort(reason);
  await assert.rejects(sent, (error) => error === reason);
});

Deno.test("list worker: a refused connection fails as fetch's would, causes and all", async () => {
  const url = new URL(`http://127.0.0.1:${CLOSED_PORT}/`);
  const direct = await fetch(url).then(() => undefined, (error) => error);
  using worker = await readyWorker();
  await assert.rejects(worker.send(get(url)), (error: Error) => {
    assert.equal(error.name, direct.name);
    assert.equal(error.message, direct.message);
    assert.equal((error.cause as Error)?.message, direct.cause?.message);
    return true;
  });
});

Deno.test("list worker: closing it fails the requests in flight", async () => {
  await using server = startServer();
  const worker = await readyWorker();
  const response = await worker.send(get(server.url("/bytes/1000000000")));
  await response.body.read();
  worker.close();
  await assert.rejects(readChecked(response.body), (error: Error) => {
    assert.match(error.message, /connection was closed before the list answer was read/);
    assert.ok(error instanceof OvirtError, "a closed connection, not a failure to try again");
    assert.doesNotMatch(error.message, /failed/, "closing is no failure of the thread");
    return true;
  });
  assert.equal(worker.ready, false);
});

Deno.test("list worker: it trusts the CAs it is given, and only those", async () => {
  const tls = await tlsMaterial();
  await using server = startServer({ cert: tls.cert, key: tls.key });
  using trusting = await readyWorker({ caCerts: [tls.caCert] });
  const response = await trusting.send(get(server.url("/bytes/100000")));
  assert.equal((await readChecked(response.body)).length, 100_000);
  using other = await readyWorker({ caCerts: [tls.otherCaCert] });
  await assert.rejects(other.send(get(server.url("/bytes/10"))), (error: Error) => {
    const causes = `${error.message} ${(error.cause as Error)?.message}`;
    assert.match(causes, /certificate|UnknownIssuer/i);
    return true;
  });
});

Deno.test("fetch transport: list requests go through the worker once a long list came", async () => {
  await using server = startServer();
  const transport = new FetchTransport({ connections: 8, listWorker: true });
  try {
    const read = async (request: HttpRequest) => {
      const response: TransportResponse = await transport.send(request);
      return (await readChecked(response.body)).length;
    };
    assert.equal(await read(get(server.url("/bytes/100?length"))), 100);
    assert.equal(await read(get(server.url("/bytes/500000"))), 500_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // time enough to start a worker
    assert.equal(await read(get(server.url("/bytes/500000"))), 500_000);
    assert.equal(await read(get(server.url("/bytes/2000000"))), 2_000_000);
    const mainPort = server.served[0].port;
    assert.deepEqual(
      server.served.map((seen) => seen.port),
      [mainPort, mainPort, mainPort, mainPort],
      "the answers up to the first long one came on this thread",
    );
    // The worker starts after that answer; list requests then go through its own connection.
    for (let tries = 0; server.served.at(-1)!.port === mainPort; tries++) {
      assert.ok(tries < 200, "the list worker never took a request");
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await read(get(server.url("/bytes/2000000"))), 2_000_000);
    }
    const count = server.served.length;
    assert.equal(await read(get(server.url("/bytes/50"), { bulk: false })), 50);
    assert.equal(server.served[count].port, mainPort, "other requests stay on this thread");
  } finally {
    transport.close();
  }
});

Deno.test("fetch transport: without listWorker every request stays on this thread", async () => {
  await using server = startServer();
  const transport = new FetchTransport({ connections: 8, listWorker: false });
  try {
    for (let i = 0; i < 5; i++) {
      const response = await transport.send(get(server.url("/bytes/2000000")));
      assert.equal((await readChecked(response.body)).length, 2_000_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(new Set(server.served.map((seen) => seen.port)).size, 1);
  } finally {
    transport.close();
  }
});

Deno.test("list worker: a script listing through it exits by itself, objects read the same", async () => {
  await using simulator = await startSimulator({ tls: true, vms: 800, delay: 0 });
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      new URL("./list_worker_child.ts", import.meta.url).pathname,
      simulator.url,
      simulator.username,
      simulator.password,
      simulator.caCert!,
    ],
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(60_000), // a child kept alive by the worker is killed, and fails
  }).output();
  assert.ok(child.success, "the script did not end by itself");
  const report = JSON.parse(new TextDecoder().decode(child.stdout));
  assert.deepEqual(report.counts, Array(6).fill(800));
  assert.equal(report.same, true, "lists read through the worker differ");
  assert.equal(report.streamed, 10);
});

Deno.test("list worker: one that fails to start takes no request, and says so", async () => {
  // A proxy URL Deno cannot use: the worker fails making its HTTP client.
  using worker = disposable(new ListWorker({ proxy: new URL("ftp://proxy.invalid:1") }));
  let refusal: unknown;
  for (let tries = 0; refusal === undefined; tries++) {
    assert.ok(tries < 500, "the worker neither failed nor refused");
    await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.send(get(new URL(`http://127.0.0.1:${CLOSED_PORT}/`))).catch((error) =>
      refusal = error
    );
  }
  assert.equal(worker.ready, false);
  assert.match(String(refusal), /not running/);
});

Deno.test("list worker: each piece comes with room in front for the reader", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const response = await worker.send(get(server.url("/bytes/3000000")));
  let pieces = 0;
  for (let chunk = await response.body.read(); !chunk.done; chunk = await response.body.read()) {
    assert.equal(takeFrontRoom(chunk.value, 16 * 1024), true, `piece ${++pieces}`);
  }
  assert.ok(pieces > 0);
});

Deno.test("list worker: requests in flight together each get their own bytes", async () => {
  await using server = startServer();
  using worker = await readyWorker();
  const sizes = [3_000_000, 10, 1_500_000, 700_000];
  const responses = await Promise.all(
    sizes.map((size) => worker.send(get(server.url(`/bytes/${size}`)))),
  );
  const lengths = await Promise.all(responses.map((response) => readChecked(response.body)));
  assert.deepEqual(lengths.map(({ length }) => length), sizes);
});

Deno.test("list worker: a body its reader stopped asking for does not keep a script alive", async () => {
  await using server = startServer();
  const worker = new URL("../transport/list_worker.ts", import.meta.url).href;
  // The child reads one piece of a long body, then its module ends without closing anything.
  const script = `
    import { ListWorker } from ${JSON.stringify(worker)};
    const worker = new ListWorker({});
    while (!worker.ready) await new Promise((resolve) => setTimeout(resolve, 5));
    const url = new URL(${JSON.stringify(server.url("/bytes/100000000").href)});
    const response = await worker.send({ method: "GET", url, headers: {}, bulk: true });
    const first = await response.body.read();
    console.log(first.value.length > 0);`;
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(15_000), // a child kept alive by the worker is killed, and fails
  }).output();
  assert.ok(child.success, "the script did not end by itself");
  assert.equal(new TextDecoder().decode(child.stdout).trim(), "true");
});

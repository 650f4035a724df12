/**
 * A data `GET` that waits for a free request slot of the connection (more readers than the
 * connection's `connections` cap) is not timed as a silent answer while it waits: the image
 * host's "no answer" limit counts from when the request is sent. Over real HTTP, through a
 * proxy in front of a plain-HTTP simulator that holds each data answer's headers back for a
 * while, on a connection capped to one request at a time: four readers, each answer well
 * within the silence limit, the last ones queued for longer than it.
 */

import assert from "node:assert/strict";
import { Connection, downloadImage, OvirtError, TimeoutError } from "../mod.ts";
import { outcomeWithin } from "./outcome_within.ts";
import { proxiedDisk } from "./transfer_proxied_disk.ts";

const MIB = 1024 * 1024;

/** Longer than any bounded wait here: a call still pending then hangs. */
const HANG = 10_000;

/** How long a data answer may stay silent: half the transfer's inactivity timeout of 3 s. */
const SILENCE = 1500;

/** How long the proxy holds back the headers of a data answer: well within {@link SILENCE}. */
const SLOW = 800;

/**
 * A forward proxy for the simulator's plain HTTP whose data `GET`s (a `Range` other than the
 * one-byte read of the image's size) get their headers `answer(n)` milliseconds late (n
 * counting from 1), or never for `Infinity`; the simulator has the request meanwhile. It
 * notes when each data `GET` arrived, and the most of them it had at once.
 */
function slowProxy(answer: (n: number) => number) {
  const arrivals: number[] = [];
  const closing = Promise.withResolvers<void>();
  let now = 0;
  let most = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const range = request.headers.get("range") ?? "";
    const data = url.pathname.startsWith("/images/") && request.method === "GET" &&
      range !== "" && range !== "bytes=0-0";
    const body = request.body ? await request.arrayBuffer() : undefined;
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
    });
    if (data) {
      arrivals.push(performance.now());
      most = Math.max(most, ++now);
      const late = answer(arrivals.length);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        closing.promise,
        new Promise((done) => timer = setTimeout(done, late === Infinity ? HANG : late)),
      ]);
      clearTimeout(timer);
      now--;
      if (late === Infinity) {
        await upstream.body?.cancel();
        return new Response(null, { status: 503 });
      }
    }
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    /** When each data `GET` arrived (`performance.now()`). */
    arrivals,
    /** The most data `GET`s the proxy had at once. */
    get most(): number {
      return most;
    },
    async close() {
      closing.resolve();
      await server.shutdown();
    },
  };
}

/**
 * A disk of `size` bytes of data behind a proxy whose data answers come as `answer` says,
 * and a connection through it that sends one request at a time.
 */
async function queuedDownload(size: number, answer: (n: number) => number) {
  const proxy = slowProxy(answer);
  const disk = await proxiedDisk(size, proxy.url);
  const connection = new Connection({
    url: disk.sim.url,
    username: disk.sim.username,
    password: disk.sim.password,
    proxy: proxy.url,
    connections: 1,
  });
  return {
    ...disk,
    proxy,
    connection,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await disk.close();
      await proxy.close();
    },
  };
}

/** Four readers of 1 MiB ranges, no retry, a data answer silent for {@link SILENCE} cut. */
const READERS = {
  pollInterval: 5,
  connections: 4,
  chunkSize: MIB,
  retries: 0,
  transfer: { inactivityTimeout: (2 * SILENCE) / 1000 },
};

Deno.test("downloadImage: a GET waiting for a free connection longer than the silence limit is not cut as unanswered", async () => {
  await using t = await queuedDownload(4 * MIB, () => SLOW);
  const result = await outcomeWithin(
    downloadImage(t.connection, t.diskId, t.target, READERS),
    HANG,
  );
  assert.equal(result, "resolved", String(result));
  assert.deepEqual(await Deno.readFile(t.target), t.content);
  // One at a time, each asked once: the last waited some 2.4 s, longer than the limit.
  assert.equal(t.proxy.most, 1);
  assert.equal(t.proxy.arrivals.length, 4);
  const waited = t.proxy.arrivals[3] - t.proxy.arrivals[0];
  assert.ok(waited > SILENCE + 200, `the last GET waited ${waited} ms`);
});

Deno.test("downloadImage: a GET that waited for a free connection and then gets no answer is cut a silence limit after it was sent", async () => {
  await using t = await queuedDownload(4 * MIB, (n) => n === 4 ? Infinity : SLOW);
  const error = await outcomeWithin(
    downloadImage(t.connection, t.diskId, t.target, READERS),
    HANG,
  );
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(
    error.message,
    new RegExp(
      `^The image host sent no answer to GET bytes=\\d+-\\d+ on http://127\\.0\\.0\\.1:\\d+ ` +
        `within ${SILENCE} ms`,
    ),
  );
  // The last GET was sent, after the others' answers, and its own silence cut it.
  assert.equal(t.proxy.most, 1);
  assert.equal(t.proxy.arrivals.length, 4);
  await assert.rejects(Deno.stat(t.target), Deno.errors.NotFound);
});

for (const debug of [false, true]) {
  Deno.test(
    `transferRequest: onSend is called when the request leaves the connection's queue, not before${
      debug ? " (debug log on)" : ""
    }`,
    async () => {
      const release = Promise.withResolvers<void>();
      const arrived: string[] = [];
      await using server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        async (request) => {
          arrived.push(new URL(request.url).pathname);
          if (arrived.length === 1) await release.promise;
          return new Response("done");
        },
      );
      const logged: string[] = [];
      await using connection = new Connection({
        url: "https://engine.invalid/ovirt-engine/api",
        username: "admin@internal",
        password: "unused",
        connections: 1,
        debug,
        log: (line) => logged.push(line),
      });
      // The first answer comes at the latest when the test ends, pass or fail.
      using _released = { [Symbol.dispose]: () => release.resolve() };
      const base = `http://127.0.0.1:${server.addr.port}/images`;
      const sent: string[] = [];
      const first = connection.transferRequest({
        method: "GET",
        url: `${base}/first-ticket`,
        onSend: () => sent.push("first"),
      });
      const second = connection.transferRequest({
        method: "GET",
        url: `${base}/second-ticket`,
        onSend: () => sent.push("second"),
      });
      // Awaited below: an assertion failing first must not leave them unhandled.
      for (const request of [first, second]) request.catch(() => {});
      for (let tries = 0; tries < 400 && arrived.length === 0; tries++) {
        await new Promise((done) => setTimeout(done, 5));
      }
      // The first holds the only slot: the second waits, not sent.
      await new Promise((done) => setTimeout(done, 100));
      assert.deepEqual(arrived, ["/images/first-ticket"]);
      assert.deepEqual(sent, ["first"]);
      release.resolve();
      assert.equal(await (await first).body.pipeTo(new WritableStream()), undefined);
      const answer = await second;
      assert.deepEqual(sent, ["first", "second"]);
      assert.equal(await new Response(answer.body).text(), "done");
      assert.deepEqual(arrived, ["/images/first-ticket", "/images/second-ticket"]);
      assert.equal(logged.length > 0, debug);
    },
  );
}

Deno.test("transferRequest: an onSend that is not a function is refused", async () => {
  await using connection = new Connection({
    url: "https://engine.invalid/ovirt-engine/api",
    username: "admin@internal",
    password: "unused",
  });
  await assert.rejects(
    connection.transferRequest({
      method: "GET",
      url: "http://127.0.0.1:9/images/ticket",
      onSend: "soon" as unknown as () => void,
    }),
    (error) =>
      error instanceof OvirtError &&
      error.message === "The transfer request's onSend option must be a function, not a string",
  );
});

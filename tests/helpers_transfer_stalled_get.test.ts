/**
 * A download whose data answer stops half-way (headers and some bytes, then nothing, the
 * connection kept open) does not hang: over real HTTP, through a proxy in front of a
 * plain-HTTP simulator that holds such answers open, the silent answer is cut after half the
 * transfer's inactivity timeout and the range asked again from the last block written; past
 * `retries` the call rejects saying the image host stopped sending, with the partial file
 * removed and the transfer ended, and no keep-alive request is sent for the silent answer.
 */

import assert from "node:assert/strict";
import { Connection, downloadDisk, downloadImage, TimeoutError, uploadImage } from "../mod.ts";
import { proxiedDisk } from "./transfer_proxied_disk.ts";
import { outcomeWithin } from "./outcome_within.ts";

const MIB = 1024 * 1024;

/** Longer than any bounded wait here: a call still pending then hangs. */
const HANG = 8_000;

/** `promise`'s outcome, or `"still pending"` after {@link HANG} ms. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return outcomeWithin(promise, HANG);
}

/**
 * A forward proxy for the simulator's plain HTTP: a data `GET` (not the one-byte read of
 * the image's size) or `PUT` that `stall(n)` picks (n counting from 1) gets its headers and its
 * first `passed` bytes, then nothing, its connection held open until the proxy shuts down
 * (with `passed` negative, not even its headers). `log` lists the image requests (method
 * and `Range`).
 */
function stallingProxy(stall: (n: number) => boolean, passed: number) {
  const log: string[] = [];
  const held: ReadableStreamDefaultController<Uint8Array>[] = [];
  const closing = Promise.withResolvers<void>();
  let seen = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const range = request.headers.get("range") ?? "";
    if (url.pathname.startsWith("/images/")) log.push(`${request.method} ${range}`.trim());
    const data = url.pathname.startsWith("/images/") &&
      (request.method === "PUT" ||
        request.method === "GET" && range !== "" && range !== "bytes=0-0");
    const stalled = data && stall(++seen);
    if (stalled && passed < 0) {
      await closing.promise;
      return new Response(null, { status: 503 });
    }
    const body = request.body ? await request.arrayBuffer() : undefined;
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
    });
    if (!stalled) {
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    }
    const reader = upstream.body!.getReader();
    let left = passed;
    const silent = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (left === 0) {
          await reader.cancel(); // the simulator's answer ends; the client's never does
          held.push(controller);
          return await new Promise(() => {});
        }
        const chunk = await reader.read();
        if (chunk.done) return controller.close();
        const piece = chunk.value.subarray(0, left);
        left -= piece.byteLength;
        controller.enqueue(piece);
      },
    }, { highWaterMark: 0 });
    return new Response(silent, { status: upstream.status, headers: upstream.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    log,
    async close() {
      closing.resolve();
      for (const controller of held) {
        try {
          controller.error(new Error("the proxy shuts down"));
        } catch { /* already cancelled */ }
      }
      await server.shutdown();
    },
  };
}

/**
 * A plain-HTTP simulator holding a disk of `size` bytes of data, uploaded directly, and a
 * connection through a proxy whose data answers `stall` picks stop after `passed` bytes.
 */
async function stalledDownload(size: number, stall: (n: number) => boolean, passed: number) {
  const proxy = stallingProxy(stall, passed);
  const disk = await proxiedDisk(size, proxy.url);
  return {
    ...disk,
    proxy,
    /** The transfers of the disk that are not over. */
    async open(): Promise<string[]> {
      const transfers = await disk.direct.systemService().imageTransfersService().list();
      return transfers
        .filter((transfer) => transfer.disk?.id === disk.diskId)
        .map((transfer) => transfer.phase!)
        .filter((phase) => /^(initializing|transferring|resuming|paused)/.test(phase));
    },
    async [Symbol.asyncDispose]() {
      await disk.close();
      await proxy.close();
    },
  };
}

/** A download's options: a 2 s inactivity timeout, so that a silent answer is cut after 1 s. */
const QUICK = { pollInterval: 5, connections: 1, transfer: { inactivityTimeout: 2 } };

Deno.test("downloadImage: an answer that stops half-way is cut and asked again from the last block written", async () => {
  await using t = await stalledDownload(4 * MIB, (n) => n === 1, 1.5 * MIB);
  const started = performance.now();
  const result = await outcome(downloadImage(t.connection, t.diskId, t.target, QUICK));
  assert.equal(result, "resolved", String(result));
  assert.ok(performance.now() - started < 6000);
  assert.deepEqual(await Deno.readFile(t.target), t.content);
  const data = t.proxy.log.filter((line) => /^GET bytes=/.test(line) && line !== "GET bytes=0-0");
  // The first megabyte was written whole; the rest of the range is asked for again.
  assert.deepEqual(data, [`GET bytes=0-${4 * MIB - 1}`, `GET bytes=${MIB}-${4 * MIB - 1}`]);
});

Deno.test("downloadImage: an answer whose headers never come is cut and asked again", async () => {
  await using t = await stalledDownload(2 * MIB, (n) => n === 1, -1);
  const result = await outcome(downloadImage(t.connection, t.diskId, t.target, QUICK));
  assert.equal(result, "resolved", String(result));
  assert.deepEqual(await Deno.readFile(t.target), t.content);
  const data = t.proxy.log.filter((line) => /^GET bytes=/.test(line) && line !== "GET bytes=0-0");
  assert.deepEqual(data, [`GET bytes=0-${2 * MIB - 1}`, `GET bytes=0-${2 * MIB - 1}`]);
});

Deno.test("downloadImage: answers that keep stopping fail after the retries, the file removed and the transfer ended", async () => {
  await using t = await stalledDownload(4 * MIB, () => true, 10);
  const started = performance.now();
  const error = await outcome(downloadImage(t.connection, t.diskId, t.target, {
    ...QUICK,
    retries: 1,
    keepAliveInterval: 200,
  }));
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /The image host stopped sending: nothing of GET bytes=0-\d+ on /);
  assert.ok(performance.now() - started < 6000);
  await assert.rejects(Deno.stat(t.target), Deno.errors.NotFound);
  assert.deepEqual(await t.open(), [], "the transfer was ended");
  const disk = await t.direct.systemService().disksService().diskService(t.diskId).get();
  assert.equal(disk.status, "ok", "the disk is unlocked");
  const requests = t.proxy.log.filter((line) => line !== "GET bytes=0-0");
  // The probe, the extents, then the range twice, each silent for 1 s: once an answer was
  // silent for the keep-alive's 200 ms, no more keep-alive (there would be some 10), so at
  // most one in each answer's first 200 ms and one while waiting to ask again.
  const ranges = requests.filter((line) => line === `GET bytes=0-${4 * MIB - 1}`);
  assert.equal(ranges.length, 2);
  const keepAlives = requests.filter((line) => line === "OPTIONS").length - 1;
  assert.ok(keepAlives <= 3, requests.join(", "));
});

Deno.test("downloadDisk: a read whose answer stops half-way is cut, and fails after the retries", async () => {
  await using t = await stalledDownload(2 * MIB, () => true, 10);
  const chunks: Uint8Array[] = [];
  const error = await outcome(downloadDisk(
    t.connection,
    t.diskId,
    new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
    { ...QUICK, retries: 1 },
  ));
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /The image host stopped sending/);
  assert.equal(chunks.length, 0);
  assert.deepEqual(await t.open(), [], "the transfer was ended");
  const ended = await t.direct.systemService().imageTransfersService().list();
  assert.ok(
    ended.some((transfer) =>
      transfer.direction === "download" && transfer.phase !== "finished_success"
    ),
  );
});

Deno.test("uploadImage: a PUT whose answer never comes is still cut by the connection's timeout and sent again", async () => {
  await using t = await stalledDownload(MIB, (n) => n === 1, -1);
  await using connection = new Connection({
    url: t.sim.url,
    username: t.sim.username,
    password: t.sim.password,
    proxy: t.proxy.url,
    timeout: 1000,
  });
  const source = await Deno.makeTempFile({ prefix: "ovirt-sdk-stalled-put-" });
  try {
    await Deno.writeFile(source, t.content);
    const result = await outcome(
      uploadImage(connection, source, { storageDomain: "data", ...QUICK }),
    );
    assert.equal(result, "resolved", String(result));
    assert.equal(t.proxy.log.filter((line) => line === "PUT").length, 2);
  } finally {
    await Deno.remove(source);
  }
});

/**
 * Downloads of a fragmented disk, whose list of extents is longer than a small answer (1 MiB,
 * some 14,000 extents): over real HTTP, through a proxy in front of a plain-HTTP simulator
 * that answers `GET .../extents` with 20,001 extents written as imageio writes them, both
 * download helpers get the whole image; an endless list still ends, past a limit that fits
 * the image's size, with an error saying so.
 */

import assert from "node:assert/strict";
import { Connection, downloadDisk, downloadImage, OvirtError } from "../mod.ts";
import { proxiedDisk } from "./transfer_proxied_disk.ts";
import { ImageioClient } from "../helpers/transfer/imageio.ts";
import { isZero } from "../helpers/transfer/zero.ts";

const MIB = 1024 * 1024;
/** Zero extents after the first megabyte of data, 4 KiB each. */
const ZERO_EXTENTS = 20_000;
/** The disk's size: 1 MiB of data, then the zero extents. */
const SIZE = MIB + ZERO_EXTENTS * 4096;

/** One extent as imageio's `json.dumps` writes it. */
function extent(start: number, length: number, zero: boolean, hole: boolean): string {
  return `{"start": ${start}, "length": ${length}, "zero": ${zero}, "hole": ${hole}}`;
}

/**
 * imageio's answer for the disk: the data, then zero extents that are holes and allocated
 * zeros by turns (imageio merges only neighbours of the same kind).
 */
function fragmentedList(): string {
  const items = [extent(0, MIB, false, false)];
  for (let i = 0; i < ZERO_EXTENTS; i++) {
    items.push(extent(MIB + i * 4096, 4096, true, i % 2 === 0));
  }
  return `[${items.join(", ")}]\n`;
}

/** An endless list of extents of 4 KiB, each following the last, sent as it is read. */
function endlessList(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let start = 0;
  return new ReadableStream({
    pull(controller) {
      const items: string[] = [];
      for (let i = 0; i < 1000; i++, start += 4096) items.push(extent(start, 4096, false, false));
      controller.enqueue(
        encoder.encode(`${start === 4096 * 1000 ? "[" : ", "}${items.join(", ")}`),
      );
    },
  }, { highWaterMark: 0 });
}

/**
 * A forward proxy for the simulator's plain HTTP that answers `GET .../extents` with what
 * `extents()` makes, and passes every other request on. `asked` counts the extents asked.
 */
function extentsProxy(extents: () => BodyInit) {
  const counts = { asked: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/images/") && url.pathname.endsWith("/extents")) {
      counts.asked++;
      return new Response(extents(), { headers: { "content-type": "application/json" } });
    }
    const body = request.body ? await request.arrayBuffer() : undefined;
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, counts, close: () => server.shutdown() };
}

/**
 * A plain-HTTP simulator holding a disk of {@link SIZE} bytes whose first megabyte is data
 * (uploaded directly), and a connection through a proxy whose extents answer `extents` makes.
 */
async function fragmentedDisk(extents: () => BodyInit) {
  const proxy = extentsProxy(extents);
  const disk = await proxiedDisk(MIB, proxy.url, SIZE);
  return {
    ...disk,
    proxy,
    async [Symbol.asyncDispose]() {
      await disk.close();
      await proxy.close();
    },
  };
}

Deno.test("downloadImage: a disk of 20,001 extents (a 1.3 MB list) downloads whole", async () => {
  const list = fragmentedList();
  assert.ok(list.length > 1.2 * MIB, `${list.length} bytes`);
  await using t = await fragmentedDisk(() => list);
  const { stats } = await downloadImage(t.connection, t.diskId, t.target, { pollInterval: 5 });
  assert.equal(t.proxy.counts.asked, 2, "asked again once the image's size was known");
  assert.equal(stats.dataBytes, MIB);
  assert.equal(stats.zeroBytes, ZERO_EXTENTS * 4096);
  const file = await Deno.readFile(t.target);
  assert.equal(file.length, SIZE);
  assert.deepEqual(file.subarray(0, MIB), t.content);
  assert.ok(isZero(file.subarray(MIB)));
});

Deno.test("downloadDisk: a disk of 20,001 extents streams whole", async () => {
  const list = fragmentedList();
  await using t = await fragmentedDisk(() => list);
  const received: Uint8Array[] = [];
  const written = await downloadDisk(
    t.connection,
    t.diskId,
    new WritableStream({ write: (chunk) => void received.push(chunk) }),
    { pollInterval: 5 },
  );
  assert.equal(written, SIZE);
  const bytes = new Uint8Array(SIZE);
  let at = 0;
  for (const chunk of received) bytes.set(chunk, (at += chunk.length) - chunk.length);
  assert.equal(at, SIZE);
  assert.deepEqual(bytes.subarray(0, MIB), t.content);
  assert.ok(isZero(bytes.subarray(MIB)));
});

Deno.test("downloadImage: an endless list of extents ends past a limit that fits the image", async () => {
  await using t = await fragmentedDisk(endlessList);
  const error = await downloadImage(t.connection, t.diskId, t.target, { pollInterval: 5 })
    .then(() => undefined, (error) => error);
  assert.ok(error instanceof OvirtError, String(error));
  // 128 bytes for each of the 512-byte extents the image may hold, and one more.
  const limit = (SIZE / 512 + 1) * 128;
  assert.match(
    error.message,
    new RegExp(`GET extents on .*: the answer is larger than ${limit} bytes`),
  );
  assert.ok(!/\/images\/[0-9a-f-]{8,}/.test(error.message), error.message);
  await assert.rejects(Deno.stat(t.target), Deno.errors.NotFound);
});

/** An image server answering `GET .../extents` with `text`, a few bytes at a time. */
function trickleServer(text: string) {
  const bytes = new TextEncoder().encode(text);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at += 7));
      },
    }, { highWaterMark: 0 });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/images/0123456789abcdef-ticket`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("extents: a list that arrives in pieces, with braces and quotes in its strings, is read whole", async () => {
  await using server = trickleServer(
    ` [ {"start": 0, "length": 512, "zero": false, "note": "a } and a \\" and a {"},\n` +
      `{"start": 512, "length": 1024, "zero": true, "more": {"nested": [1, {"x": "]"}]}} ]\n`,
  );
  await using connection = new Connection({
    url: "http://127.0.0.1:1/ovirt-engine/api",
    token: "T",
    retry: false,
  });
  const client = new ImageioClient(connection, server.url);
  assert.deepEqual(await client.extents(), [
    { start: 0, length: 512, zero: false },
    { start: 512, length: 1024, zero: true },
  ]);
});

Deno.test("extents: a list cut short, or whose extents leave a gap, is refused", async () => {
  const cases = [
    [`[{"start": 0, "length": 512, "zero": false}, {"start": 512`, /the answer is not JSON/],
    [`[{"start": 0, "length": 512, "zero": false}`, /the answer is not JSON/],
    [`[{"start": 0, "length": 512}, {"start": 1024, "length": 512}]`, /not contiguous at byte 512/],
    [`{"start": 0, "length": 512}`, /extents that are not a list/],
    [`[{"start": 0, "length": 512}] [`, /the answer is not JSON/],
  ] as const;
  await using connection = new Connection({
    url: "http://127.0.0.1:1/ovirt-engine/api",
    token: "T",
    retry: false,
  });
  for (const [text, expected] of cases) {
    await using server = trickleServer(text);
    const client = new ImageioClient(connection, server.url);
    const error = await client.extents().then(() => undefined, (error) => error);
    assert.ok(error instanceof OvirtError, `${text}: ${error}`);
    assert.match(error.message, expected, text);
  }
});

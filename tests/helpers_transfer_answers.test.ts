/**
 * The image client reads the image server's small answers (OPTIONS, extents, checksums,
 * error texts) with a size limit (1 MiB) and a time limit: an endless body or a body
 * that stalls ends in a typed error, not in memory or time without end.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, TimeoutError } from "../mod.ts";
import { ImageioClient } from "../helpers/transfer/imageio.ts";

/** How an image server of these tests sends its answer's body. */
type BodyKind = "endless" | "stalled";

/**
 * An image server answering every request with `status` and a JSON body that never ends
 * (64 KiB of spaces every 2 ms) or that sends `[` and then nothing.
 */
function imageServer(status: number, kind: BodyKind) {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const piece = new TextEncoder().encode(" ".repeat(65536));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => void streams.add(controller),
      async pull(controller) {
        if (kind === "stalled" && sent) return await new Promise(() => {});
        sent = true;
        await new Promise((resolve) => setTimeout(resolve, 2));
        controller.enqueue(kind === "stalled" ? new TextEncoder().encode("[") : piece);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/images/0123456789abcdef-ticket`,
    async [Symbol.asyncDispose]() {
      for (const controller of streams) {
        try {
          controller.close();
        } catch { /* cancelled by the client */ }
      }
      await server.shutdown();
    },
  };
}

/** What `call` rejects with, or "still running" after `ms` milliseconds. */
async function outcome(call: Promise<unknown>, ms = 5000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => timer = setTimeout(() => resolve("still running"), ms));
  try {
    return await Promise.race([call.then(() => "resolved", (error) => error), late]);
  } finally {
    clearTimeout(timer);
  }
}

function connect(): Connection {
  return new Connection({ url: "http://127.0.0.1:1/ovirt-engine/api", token: "T", retry: false });
}

Deno.test("an endless JSON answer to OPTIONS and extents rejects past 1 MiB", async () => {
  await using server = imageServer(200, "endless");
  await using connection = connect();
  const client = new ImageioClient(connection, server.url);
  for (
    const [what, call] of [["OPTIONS", () => client.options()], [
      "extents",
      () => client.extents(),
    ]] as const
  ) {
    const error = await outcome(call());
    assert.ok(error instanceof OvirtError, `${what}: ${error}`);
    assert.match(error.message, /larger than 1048576 bytes/);
    assert.ok(!error.message.includes("0123456789abcdef-ticket"), error.message);
  }
});

Deno.test("an endless error answer to a PUT rejects with its status", async () => {
  await using server = imageServer(500, "endless");
  await using connection = connect();
  const client = new ImageioClient(connection, server.url);
  const error = await outcome(client.put(0, new Uint8Array(10), true));
  assert.ok(error instanceof OvirtError, String(error));
  assert.equal(error.code, 500);
  assert.match(error.message, /PUT bytes 0-9 failed with HTTP 500/);
});

Deno.test("a JSON answer that stalls rejects with a TimeoutError after the answer timeout", async () => {
  await using server = imageServer(200, "stalled");
  await using connection = connect();
  const client = new ImageioClient(connection, server.url, undefined, 300);
  const started = performance.now();
  const error = await outcome(client.extents());
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /did not arrive within 300 ms/);
  assert.ok(performance.now() - started < 3000);
});

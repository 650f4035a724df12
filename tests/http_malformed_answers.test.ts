import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { Connection, listStream } from "../mod.ts";
import { OvirtError } from "../transport/errors.ts";
import { type RawRequest, startRawServer } from "./http_raw_server.ts";

const encoder = new TextEncoder();
const TOKEN = "secret-token-of-the-malformed-tests";
const VMS = `<vms>${`<vm id="1"><name>a</name></vm>`.repeat(20)}</vms>`;

/** The bytes of an answer: a head of `lines`, then `body`. */
function answer(lines: string[], body: Uint8Array | string = VMS): Uint8Array {
  const head = encoder.encode(`${lines.join("\r\n")}\r\n\r\n`);
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const whole = new Uint8Array(head.length + bytes.length);
  whole.set(head);
  whole.set(bytes, head.length);
  return whole;
}

const XML = "Content-Type: application/xml";
const length = (body: Uint8Array | string = VMS) =>
  `Content-Length: ${typeof body === "string" ? encoder.encode(body).length : body.length}`;

/** Answers that are not well-formed HTTP, or not what they say they are. */
const MALFORMED: Record<string, Uint8Array> = {
  "a body cut short of its length": answer(["HTTP/1.1 200 OK", XML, `Content-Length: 5000`]),
  "a length shorter than the XML": answer(["HTTP/1.1 200 OK", XML, `Content-Length: 100`]),
  "a chunk size that is not hexadecimal": answer(
    ["HTTP/1.1 200 OK", XML, "Transfer-Encoding: chunked"],
    `40\r\n${VMS.slice(0, 64)}\r\nzz\r\n${VMS.slice(64)}\r\n0\r\n\r\n`,
  ),
  "chunks that stop without their end": answer(
    ["HTTP/1.1 200 OK", XML, "Transfer-Encoding: chunked"],
    `40\r\n${VMS.slice(0, 64)}\r\n`,
  ),
  "a gzip body cut in the middle": (() => {
    const zipped = gzipSync(encoder.encode(VMS)).subarray(0, 40);
    return answer(["HTTP/1.1 200 OK", XML, "Content-Encoding: gzip", length(zipped)], zipped);
  })(),
  "a status line that is not HTTP": answer(["HTTP/1.1 abc OK", XML, length()]),
  "two lengths that disagree": answer(["HTTP/1.1 200 OK", XML, length(), "Content-Length: 7"]),
  "a negative length": answer(["HTTP/1.1 200 OK", XML, "Content-Length: -5"]),
  "text that is not XML": answer(["HTTP/1.1 200 OK", XML, length("hello")], "hello"),
  "an HTML page": answer(
    ["HTTP/1.1 200 OK", "Content-Type: text/html", length("<html></html>")],
    "<html></html>",
  ),
  "a switch to another protocol": answer(
    ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"],
    "",
  ),
  "no answer at all": new Uint8Array(),
};

const CALLS: Record<string, (connection: Connection) => Promise<unknown>> = {
  "get()": (connection) => connection.systemService().vmsService().vmService("1").get(),
  "list()": (connection) => connection.systemService().vmsService().list(),
  "listStream()": async (connection) => {
    for await (const _vm of listStream(connection.systemService().vmsService())) { /* read on */ }
  },
};

/**
 * Lists until a list request comes on a connection of its own: the list worker's, which a list
 * of over 1 MiB starts (the connection of this thread is kept alive between these answers).
 */
async function startListWorker(
  connection: Connection,
  requests: readonly RawRequest[],
  answerWith: (long: string | undefined) => void,
): Promise<void> {
  answerWith(`<vms>${`<vm id="1"><name>a</name></vm>`.repeat(40_000)}</vms>`);
  const vms = connection.systemService().vmsService();
  assert.equal((await vms.list()).length, 40_000); // on this thread's connection
  for (let tries = 0; requests.at(-1)!.earlierOnConnection > 0 || tries === 0; tries++) {
    assert.ok(tries < 100, "the list worker never took a request");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await vms.list()).length, 40_000);
  }
  answerWith(undefined);
}

const TRANSPORTS = [
  ["fetch", { listWorker: false }],
  ["fetch and the list worker", { listWorker: true }],
  ["node:http", { listWorker: false, insecure: true }],
] as const;

for (const [transport, options] of TRANSPORTS) {
  Deno.test(`malformed answers, ${transport}: each call fails with an OvirtError`, async () => {
    let next: Uint8Array = new Uint8Array();
    let long: string | undefined; // a long valid list, answered on a kept-alive connection
    await using server = startRawServer(() =>
      long === undefined
        ? { raw: next }
        : { status: 200, headers: { "content-type": "application/xml" }, body: long }
    );
    await using connection = new Connection({
      url: `${server.origin}/ovirt-engine/api`,
      token: TOKEN,
      retry: false,
      timeout: 5000,
      ...options,
    });
    if (options.listWorker) {
      await startListWorker(connection, server.requests, (warm) => long = warm);
    }
    for (const [name, bytes] of Object.entries(MALFORMED)) {
      for (const [call, run] of Object.entries(CALLS)) {
        next = bytes;
        await assert.rejects(run(connection), (error: Error) => {
          assert.ok(error instanceof OvirtError, `${name}, ${call}: ${error}`);
          assert.doesNotMatch(error.message, /did not finish within/, `${name}, ${call}: a hang`);
          assert.ok(!error.message.includes(TOKEN), `${name}, ${call}: the token shows`);
          return true;
        }, `${name}, ${call}`);
      }
    }
  });
}

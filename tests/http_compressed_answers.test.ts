import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { Connection, NotFoundError, OvirtError } from "../mod.ts";
import { concatenated } from "../transport/body.ts";
import { FetchTransport } from "../transport/fetch_transport.ts";
import { startRawServer } from "./http_raw_server.ts";

/** `<vms>` and then `spaces` spaces, gzipped: a few KiB that expand to MiBs. */
function compressedSpaces(spaces: number): Uint8Array<ArrayBuffer> {
  const text = new Uint8Array(spaces + 5).fill(0x20);
  text.set(new TextEncoder().encode("<vms>"));
  return new Uint8Array(gzipSync(text));
}

/** A server answering every request with `status` and the gzipped `body`, its length given. */
function compressedServer(status: number, body: Uint8Array<ArrayBuffer>) {
  return Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () =>
    new Response(body, {
      status,
      headers: { "content-type": "application/xml", "content-encoding": "gzip" },
    }));
}

Deno.test("a short compressed answer is read in pieces, whatever it expands to", async () => {
  const body = compressedSpaces(32 << 20);
  assert.ok(body.byteLength < 64 * 1024, "short enough to be read in one go if it were plain");
  await using server = compressedServer(200, body);
  const transport = new FetchTransport({ connections: 1, listWorker: false });
  try {
    const response = await transport.send({
      method: "GET",
      url: new URL(`http://127.0.0.1:${server.addr.port}/ovirt-engine/api/vms`),
      headers: {},
    });
    assert.equal(response.headers.get("content-length"), String(body.byteLength));
    const first = await response.body.read();
    assert.ok(!first.done);
    assert.ok(first.value.byteLength <= 1 << 20, `a first piece of ${first.value.byteLength}`);
    await response.body.cancel();
  } finally {
    transport.close();
  }
});

for (const insecure of [false, true]) {
  const transport = insecure ? "node:http" : "fetch";
  Deno.test(`compressed answers that expand past the limits fail with them (${transport})`, async () => {
    const url = (port: number) => `http://127.0.0.1:${port}/ovirt-engine/api`;
    {
      // An error's body is read up to 1 MiB: the 404 is reported, not 32 MiB read for it.
      await using server = compressedServer(404, compressedSpaces(32 << 20));
      await using connection = new Connection({ url: url(server.addr.port), token: "t", insecure });
      const vm = connection.systemService().vmsService().vmService("1");
      await assert.rejects(vm.get(), NotFoundError);
    }
    {
      // A list that never ends, however far it expands, is a typed error.
      await using server = compressedServer(200, compressedSpaces(32 << 20));
      await using connection = new Connection({ url: url(server.addr.port), token: "t", insecure });
      await assert.rejects(connection.systemService().vmsService().list(), OvirtError);
    }
  });
}

for (const status of [200, 204]) {
  Deno.test(`an empty answer said to be gzipped is empty, on node:http too (${status})`, async () => {
    await using server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      () => new Response(null, { status, headers: { "content-encoding": "gzip" } }),
    );
    for (const insecure of [false, true]) {
      await using connection = new Connection({
        url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
        token: "t",
        insecure,
        retry: false,
      });
      const vm = connection.systemService().vmsService().vmService("1");
      await vm.remove();
      await vm.start();
    }
  });
}

Deno.test("node:http: an empty gzipped body sent chunked is empty; a gzipped one is read", async () => {
  const head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/xml\r\n";
  const zipped = gzipSync(new TextEncoder().encode("<vm id='1'><name>web</name></vm>"));
  const chunked = (body: Uint8Array) => {
    const size = new TextEncoder().encode(`${body.byteLength.toString(16)}\r\n`);
    return [size, body, new TextEncoder().encode("\r\n0\r\n\r\n")];
  };
  let next: Uint8Array[] = [];
  await using server = startRawServer(() => ({ raw: concatenated(next) }));
  await using connection = new Connection({
    url: `${server.origin}/ovirt-engine/api`,
    token: "t",
    insecure: true,
    retry: false,
  });
  const vm = connection.systemService().vmsService().vmService("1");
  next = [new TextEncoder().encode(`${head}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)];
  await vm.remove();
  next = [
    new TextEncoder().encode(`${head}Transfer-Encoding: chunked\r\n\r\n`),
    ...chunked(zipped),
  ];
  assert.equal((await vm.get()).name, "web");
});

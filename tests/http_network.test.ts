import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { ConnectionError } from "../transport/errors.ts";
import { PASSWORD, USERNAME } from "./http_fake_engine.ts";
import { CLOSED_PORT } from "./closed_port.ts";

/** A loopback port nobody listens on. */

Deno.test("network: a refused connection is a ConnectionError", async () => {
  await using connection = new Connection({
    url: `http://127.0.0.1:${CLOSED_PORT}/ovirt-engine/api`,
    username: USERNAME,
    password: PASSWORD,
  });
  await assert.rejects(connection.systemService().get(), (error) => {
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /127\.0\.0\.1/);
    assert.ok(!error.message.includes(PASSWORD));
    return true;
  });
  assert.equal(await connection.test(), false);
});

Deno.test("network: an unknown host is a ConnectionError", async () => {
  await using connection = new Connection({
    url: "https://engine.invalid/ovirt-engine/api",
    token: "t",
    timeout: 10_000,
  });
  await assert.rejects(connection.systemService().get(), ConnectionError);
});

Deno.test("network: a connection reset in the middle of a body is a ConnectionError", async () => {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const serving = (async () => {
    for await (const socket of listener) {
      const buffer = new Uint8Array(65536);
      await socket.read(buffer);
      await socket.write(new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<vms>",
      ));
      socket.close();
    }
  })();
  const { port } = listener.addr as Deno.NetAddr;
  try {
    await using connection = new Connection({
      url: `http://127.0.0.1:${port}/ovirt-engine/api`,
      token: "t",
    });
    await assert.rejects(connection.systemService().vmsService().list(), ConnectionError);
  } finally {
    listener.close();
    await serving;
  }
});

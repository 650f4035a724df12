import assert from "node:assert/strict";
import { Connection } from "../mod.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("close(): a call that fails after it is not tried again on a new transport", async () => {
  // A server that takes each request and drops its connection once told to.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  let requests = 0;
  let drop = () => {};
  const dropped = new Promise<void>((resolve) => drop = resolve);
  const serving = (async () => {
    for await (const socket of listener) {
      requests++;
      await socket.read(new Uint8Array(4096));
      await dropped;
      socket.close();
    }
  })();
  const connection = new Connection({
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    token: "t",
  });
  const get = connection.systemService().get();
  while (requests === 0) await delay(5);
  const closing = connection.close(false);
  drop();
  await assert.rejects(get, /The connection is closed/);
  await closing;
  assert.equal(requests, 1);
  listener.close();
  await serving.catch(() => {});
});

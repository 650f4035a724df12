import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { ConnectionError, TimeoutError } from "../transport/errors.ts";

/**
 * A loopback port whose connections never complete: a listening socket with a backlog of
 * zero that never accepts, its one queue place taken (the kernel then drops new SYNs).
 * Deno cannot set a backlog, so Python's socket module does it.
 */
async function blackHole() {
  const python = new Deno.Command("python3", {
    args: [
      "-c",
      "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\n" +
      "print(s.getsockname()[1],flush=True)\ntime.sleep(120)",
    ],
    stdout: "piped",
  }).spawn();
  const reader = python.stdout.getReader();
  const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
  reader.releaseLock();
  const filler = await Deno.connect({ hostname: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    async [Symbol.asyncDispose]() {
      filler.close();
      python.kill();
      await python.stdout.cancel();
      await python.status;
    },
  };
}

const hasPython = await new Deno.Command("python3", { args: ["-c", ""] }).output().then(
  (output) => output.success,
  () => false,
);

for (const [name, extra] of [["fetch", {}], ["node:http", { insecure: true }]] as const) {
  Deno.test({
    name: `connectTimeout (${name}): a host that never accepts fails fast, as never sent${
      hasPython ? "" : " (skipped: needs python3 to make a port that never accepts)"
    }`,
    ignore: !hasPython,
    async fn() {
      await using hole = await blackHole();
      const options: ConnectionOptions = {
        url: hole.url,
        token: "t",
        timeout: 20_000,
        retry: { attempts: 2, delay: 1 },
        ...extra,
      };
      await using connection = new Connection({ ...options, connectTimeout: 150 });
      await assert.rejects(connection.systemService().vmsService().add({ name: "x" }), (error) => {
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, /within 150 ms \(connectTimeout\)/);
        assert.equal(error.attempts?.length, 2, "an add that never left is tried again");
        return true;
      });
      await using patient = new Connection({ ...options, timeout: 300, retry: false });
      await assert.rejects(patient.systemService().vmsService().list(), TimeoutError);
    },
  });
}

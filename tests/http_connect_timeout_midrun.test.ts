import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { ConnectionError, TimeoutError } from "../transport/errors.ts";
import { withPython } from "./python_available.ts";

/**
 * An engine on loopback that answers a few requests and then goes away as a powered-off host
 * does: its port accepts no more connections and refuses none either (a listening socket with
 * a full accept queue, where the kernel drops new SYNs). Each step serves one request: `answer`
 * at once, `slow:<seconds>` after a while, `hold` never (its connection stays open). Plain TCP
 * connections that send nothing (the SDK's probes) are let go without using a step. Deno cannot
 * set a listening socket's backlog, so Python's socket module does it.
 */
async function vanishingEngine(...steps: string[]) {
  const script = `
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
port = s.getsockname()[1]
print(port, flush=True)
held = []
for step in sys.argv[1:]:
    while True:
        c, _ = s.accept()
        if c.recv(65536):
            break
        c.close()
    kind, _, arg = step.partition(":")
    if kind == "hold":
        held.append(c)
        continue
    if kind == "slow":
        time.sleep(float(arg))
    body = b"<vms/>"
    c.sendall(b"HTTP/1.1 200 OK\\r\\ncontent-type: application/xml\\r\\ncontent-length: "
              + str(len(body)).encode() + b"\\r\\nconnection: close\\r\\n\\r\\n" + body)
    c.close()
s.setblocking(False)
while True:
    try:
        s.accept()[0].close()
    except BlockingIOError:
        break
s.listen(0)
filler = socket.create_connection(("127.0.0.1", port), timeout=5)
print("gone", flush=True)
time.sleep(60)
`;
  const python = new Deno.Command("python3", { args: ["-c", script, ...steps], stdout: "piped" })
    .spawn();
  const lines = python.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const line = async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the engine stand-in ended");
      buffered += value;
    }
    const end = buffered.indexOf("\n");
    const first = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    return first.trim();
  };
  const port = Number(await line());
  return {
    url: `http://127.0.0.1:${port}/ovirt-engine/api`,
    /** Resolves once the engine is gone. */
    gone: async () => assert.equal(await line(), "gone"),
    async [Symbol.asyncDispose]() {
      python.kill();
      await lines.cancel();
      await python.status;
    },
  };
}

/** The rejection of `call` and the milliseconds it took. */
async function failure(call: Promise<unknown>): Promise<{ error: unknown; millis: number }> {
  const started = performance.now();
  try {
    await call;
  } catch (error) {
    return { error, millis: performance.now() - started };
  }
  assert.fail("a call to an engine that went away resolved");
}

const OPTIONS = { token: "t", connectTimeout: 300, timeout: 6_000 } as const;

Deno.test({
  ...withPython(
    "connectTimeout (fetch): a read after the engine went away fails within the limit, " +
      "a slow answer does not",
  ),
  async fn() {
    await using engine = await vanishingEngine("slow:1.2");
    const options: ConnectionOptions = { url: engine.url, ...OPTIONS, retry: false };
    await using connection = new Connection(options);
    const vms = connection.systemService().vmsService();
    // Slower than connectTimeout, but the host still accepts connections: the answer is awaited.
    assert.deepEqual(await vms.list(), []);
    await engine.gone();
    const { error, millis } = await failure(vms.list());
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(
      error.message,
      /no connection to 127\.0\.0\.1:\d+ within 300 ms \(connectTimeout\)/,
    );
    assert.ok(millis < 3_000, `the call took ${Math.round(millis)} ms`);
  },
});

Deno.test({
  ...withPython(
    "connectTimeout (fetch): an add after the engine went away fails within the limit, " +
      "as never sent, and is tried again",
  ),
  async fn() {
    await using engine = await vanishingEngine("answer");
    const options: ConnectionOptions = {
      url: engine.url,
      ...OPTIONS,
      retry: { attempts: 2, delay: 1 },
    };
    await using connection = new Connection(options);
    const vms = connection.systemService().vmsService();
    assert.deepEqual(await vms.list(), []);
    await engine.gone();
    const { error, millis } = await failure(vms.add({ name: "x" }));
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /within 300 ms \(connectTimeout\)/);
    assert.equal(error.maybeApplied, false);
    assert.equal(error.attempts?.length, 2, "an add that never left is tried again");
    assert.ok(millis < 3_000, `the call took ${Math.round(millis)} ms`);
  },
});

Deno.test({
  ...withPython(
    "connectTimeout (fetch): an add whose engine goes away while it waits for the answer is " +
      "waited for, not cut short (its answer may be on its way)",
  ),
  async fn() {
    // An engine too busy to take one more connection still answers those it has: a change
    // sent on a connection probed just before is given its whole time.
    await using engine = await vanishingEngine("hold");
    await using connection = new Connection({ url: engine.url, ...OPTIONS, timeout: 1_500 });
    const add = failure(connection.systemService().vmsService().add({ name: "x" }));
    await engine.gone();
    const { error, millis } = await add;
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /within 1500 ms\. It was sent, so the engine may have carried it/);
    assert.equal(error.maybeApplied, true, "the add went out: it may have been carried out");
    assert.ok(millis >= 1_400, `cut after ${Math.round(millis)} ms, before the call's timeout`);
  },
});

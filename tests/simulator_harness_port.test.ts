/**
 * `startSimulator({ port })` on a port already in use: it rejects naming the port, and
 * leaves nothing running, so that a script that catches the error still ends.
 */

import assert from "node:assert/strict";

const TESTING = new URL("../testing/mod.ts", import.meta.url).href;

Deno.test("simulator: a busy port is refused naming it, and the failed start leaves the process free to exit", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const script = `
    import { startSimulator } from ${JSON.stringify(TESTING)};
    try {
      await startSimulator({ delay: 0, port: ${port} });
      console.log("started");
    } catch (error) {
      console.log(JSON.stringify({ name: error.name, message: error.message }));
    }`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(15_000), // killed if it hangs
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  assert.equal(output.signal, null, `the process did not exit by itself: ${stdout}`);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.deepEqual(JSON.parse(stdout), {
    name: "AddrInUse",
    message: `The simulator's port ${port} is in use`,
  });
});

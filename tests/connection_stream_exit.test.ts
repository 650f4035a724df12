import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;

for (const ending of ["close()", "nothing"] as const) {
  for (const listWorker of [false, true]) {
    Deno.test(`listStream: a script that leaves one after its first item and ends with ${ending} exits (listWorker ${listWorker})`, async () => {
      await using simulator = await startSimulator({ vms: 3_000, delay: 0 });
      // A call's timeout (15 s) must not keep the script alive once nothing waits for it.
      const script = `
        import { Connection, listStream } from ${JSON.stringify(MOD)};
        const connection = new Connection({
          url: ${JSON.stringify(simulator.url)},
          username: ${JSON.stringify(simulator.username)},
          password: ${JSON.stringify(simulator.password)},
          timeout: 15_000,
          listWorker: ${listWorker},
        });
        const vms = connection.systemService().vmsService();
        await vms.list(); // a long list: the worker starts, when there is one
        const first = await listStream(vms)[Symbol.asyncIterator]().next();
        console.log(first.done === false);
        ${ending === "close()" ? "await connection.close();" : ""}`;
      const started = performance.now();
      const child = await new Deno.Command(Deno.execPath(), {
        args: ["eval", script],
        stdout: "piped",
        stderr: "inherit",
        signal: AbortSignal.timeout(30_000),
      }).output();
      const millis = performance.now() - started;
      assert.ok(child.success, "the script did not end by itself");
      assert.equal(new TextDecoder().decode(child.stdout).trim(), "true");
      assert.ok(millis < 10_000, `the script ended ${Math.round(millis)} ms after it started`);
    });
  }
}

/**
 * An add whose answer the connection lost, or that came too late: `ovirt` exits 8 (the engine
 * may have carried it out), not 5 (the engine could not be reached) or 6 (a time limit), so
 * that a script retrying on those does not add the object twice.
 */

import assert from "node:assert/strict";
import { cliBench, oneErrorLine, ovirt } from "./cli_harness.ts";
import { CLOSED_PORT } from "./closed_port.ts";

Deno.test("an add whose answer was lost exits 8 and says the engine may have made it", async () => {
  await using bench = await cliBench();
  bench.sim.setFaults({ dropAnswerNextPosts: 1 });
  const run = await ovirt(
    ["vm", "add", "--name", "lost-answer", "--cluster", "Default", "--template", "Blank"],
    bench.env,
  );
  assert.equal(run.code, 8, run.stderr);
  assert.match(oneErrorLine(run), /may have carried it out/);
  const made = await bench.connection.systemService().vmsService().list({
    search: "name=lost-answer",
  });
  assert.equal(made.length, 1, "the engine did make the VM");

  const help = await ovirt(["--help"], bench.env);
  assert.match(help.stdout, /^\s*8\s+the request was sent but its answer was lost or late/m);
});

Deno.test("an add whose answer came too late exits 8; a read that did exits 6", async () => {
  await using bench = await cliBench();
  bench.sim.setFaults({ latency: 3000 });
  const add = await ovirt(
    ["vm", "add", "--name", "late", "--cluster", "Default", "--request-timeout", "1s"],
    bench.env,
  );
  assert.equal(add.code, 8, add.stderr);
  assert.match(oneErrorLine(add), /within 1000 ms\. It was sent, so the engine may have carried/);
  const list = await ovirt(["vms", "list", "--request-timeout", "1s"], bench.env);
  assert.equal(list.code, 6, list.stderr);
  assert.match(oneErrorLine(list), /did not finish within 1000 ms/);
});

Deno.test("an engine that cannot be reached still exits 5", async () => {
  await using bench = await cliBench();
  const run = await ovirt(["vm", "add", "--name", "never-sent", "--cluster", "Default"], {
    ...bench.env,
    OVIRT_URL: `http://127.0.0.1:${CLOSED_PORT}/ovirt-engine/api`,
  });
  assert.equal(run.code, 5, run.stderr);
  oneErrorLine(run);
});

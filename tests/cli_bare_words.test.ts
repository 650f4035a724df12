/**
 * A bare word for a struct flag whose name the engine does not read: `--version 4.7` is the
 * version's numbers and `--cpu "Intel ..."` the CPU's type, not `{ name }`; a word that is no
 * version is refused before sending.
 */

import assert from "node:assert/strict";
import { cliBench, oneErrorLine, ovirt } from "./cli_harness.ts";

Deno.test("--version 4.7 and --cpu TYPE send what the engine reads", async () => {
  await using bench = await cliBench();
  const cpu = "Intel Icelake Server Family";
  const args = ["cluster", "add", "--name", "bare", "--data-center", "Default", "--cpu", cpu];
  const run = await ovirt([...args, "--version", "4.7", "-o", "json"], bench.env);
  assert.equal(run.code, 0, run.stderr);
  const clusters = bench.connection.systemService().clustersService();
  const [cluster] = await clusters.list({ search: "name=bare" });
  assert.equal(cluster.cpu?.type, cpu);
  assert.equal(cluster.cpu?.name, undefined);
  assert.deepEqual([cluster.version?.major, cluster.version?.minor], [4, 7]);
  assert.equal(cluster.version?.name, undefined);

  const bad = await ovirt([...args, "--name", "bare2", "--version", "four"], bench.env);
  assert.equal(bad.code, 2);
  assert.match(oneErrorLine(bad), /"four" is not a version/);
  assert.deepEqual(await clusters.list({ search: "name=bare2" }), []);
});

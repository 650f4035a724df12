/**
 * The engine lists a searchable collection through its search backend also without a `search`
 * (`VMs: `), so `list()` comes in the same order as `list({ search: "" })`, by name, and
 * `list({ max })` is the first objects by name, whatever order they were added in.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("simulator: a list without a search comes in the engine's order, as with one", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const vmsService = connection.systemService().vmsService();
  await vmsService.add({ name: "aaa", cluster: { name: "Default" }, template: { name: "Blank" } });
  const names = async (options: { search?: string; max?: number }) =>
    (await vmsService.list(options)).map((vm) => vm.name);
  const all = await names({});
  assert.deepEqual(all, [...all].sort(), "by name");
  assert.deepEqual(all, await names({ search: "" }));
  assert.deepEqual(await names({ max: 2 }), all.slice(0, 2));
  assert.equal(all[0], "aaa", "the VM added last comes first by name");
});

/**
 * A word named like a built-in of JavaScript objects (`constructor`) is no search field: the
 * simulator once took it for one, answering a 500 for VMs and nothing for jobs. As any word
 * that is not a field, `constructor=x` is one free-text word, as on the engine.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

Deno.test("simulator: constructor is no search field, just free text", async () => {
  await using session = await simulatorSession({ delay: 60_000, empty: true });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  for (const [name, description] of [["plain", ""], ["odd", "a constructor=x b"]]) {
    await vms.add({ name, description, cluster: { name: "Default" }, template: { name: "Blank" } });
  }
  const found = async (search: string) => (await vms.list({ search })).map((vm) => vm.name);
  assert.deepEqual(await found("constructor=x"), ["odd"], "free text in the description");
  assert.deepEqual(await found("name=* sortby constructor"), [], "no such sort field");
  await rejectsWith(system.jobsService().list({ search: "constructor=x" }), 400, /free text/);
});

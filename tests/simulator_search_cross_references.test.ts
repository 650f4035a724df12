/**
 * The engine's search gives VM pools and providers no cross references (oVirt/ovirt-engine,
 * backend/manager/modules/searchbackend, `SearchObjectAutoCompleter`: their `EntitySearchInfo`
 * has none), so a link of theirs is no field: `template=Blank` on pools is one free-text word,
 * which finds nothing, where a pool's own `cluster` field still works.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: a pool's links are no search fields, its own fields are", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const pools = session.connection.systemService().vmPoolsService();
  await pools.add({
    name: "desk",
    size: 1,
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  const found = async (search: string) => (await pools.list({ search })).map((pool) => pool.name);
  assert.deepEqual(await found("cluster=Default"), ["desk"]);
  assert.deepEqual(await found("template=Blank"), [], "free text: no text holds template=Blank");
  assert.deepEqual(await found("template.name = Blank"), [], "a syntax error");
});

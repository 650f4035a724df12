/**
 * The engine's search syntax checker refuses `'` and `;` anywhere in a query, quoted
 * values too, and the list is then answered empty (200, no fault) in every searchable
 * collection: a search for a name holding one finds nothing.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: a search holding ' or ; finds nothing, in every collection", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  await vms.vmService(vm.id!).update({ description: "Bob's; VM" });
  assert.deepEqual((await vms.list({ search: "description=Bob*" })).map((item) => item.id), [
    vm.id,
  ]);
  for (
    const search of ["description=Bob'*", 'description="Bob\'s; VM"', "name=vm001;", "vm001 ;"]
  ) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  assert.deepEqual(await system.hostsService().list({ search: "name=host1 or name='x'" }), []);
  assert.deepEqual(await system.eventsService().list({ search: "severity>=normal;" }), []);
  assert.deepEqual(await system.clustersService().list({ search: 'name="Default;"' }), []);
  const url = `${session.sim.url}/templates?search=${encodeURIComponent("name='Blank'")}`;
  const token = await session.connection.authenticate();
  const answer = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(answer.status, 200);
  assert.doesNotMatch(await answer.text(), /<template /);
});

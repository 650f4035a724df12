/**
 * A search the engine's syntax checker refuses finds nothing: the engine answers it with
 * 200 and an empty list, never a fault, and so does the simulator, whatever the data.
 * That covers `'` and `;` anywhere, a dangling connector, a sort field the engine does
 * not know, `sortby` with neither `asc` nor `desc` before `page`, a second free-text
 * word, an unterminated quote, a trailing escape, and an operator the field does not take
 * (`name>a`: text takes `=` and `!=`). A word the engine does not know as
 * a field, written `x=y` without spaces, is one free-text word. The exceptions answer
 * 400: a negative `max` on a searched collection (the engine's query fails), and a field
 * the engine knows but the simulator cannot evaluate.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!);
}

Deno.test("simulator: a search holding ' or ; finds nothing (200, empty), in every collection", async () => {
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

Deno.test("simulator: a malformed search finds nothing (200, empty list), as on the engine", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  for (
    const search of [
      "name=",
      "sortby",
      "name=vm001 and",
      "name=vm001 or",
      "or name=vm001",
      "name=vm001 and or name=vm002",
      "page x",
      '"open',
      'name="vm001',
      "name=vm00*\\",
      "name vm001",
      "bogus = 1",
      "vm001 vm002",
      "memory>abc",
      "name>vm001",
      "creationdate = today",
      "sortby name page 1",
      "sortby name page 1 extra",
      "name=vm001 sortby name desc sortby name",
    ]
  ) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  assert.deepEqual(names(await vms.list({ search: "sortby name asc page 1", max: 2 })), [
    "vm001",
    "vm002",
  ]);
});

Deno.test("simulator: an unknown sort field finds nothing whatever the data", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  for (
    const search of ["sortby bogus", "name=nomatch sortby bogus", "name=vm001 sortby bogus asc"]
  ) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  await using empty = await simulatorSession({ delay: 0, empty: true });
  const none = empty.connection.systemService().vmsService();
  assert.deepEqual(await none.list({ search: "sortby bogus" }), []);
});

Deno.test("simulator: an unknown field written x=y is one free-text word", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  assert.deepEqual(await vms.list({ search: "bogus=1" }), []);
  assert.deepEqual(names(await vms.list({ search: "name=vm001 or bogus=1" })), ["vm001"]);
  assert.deepEqual(await vms.list({ search: "name=nomatch and bogus=1" }), []);
  const [vm] = await vms.list({ search: "name=vm002" });
  await vms.vmService(vm.id!).update({ description: "tagged bogus=1 by hand" });
  assert.deepEqual(names(await vms.list({ search: "bogus=1" })), ["vm002"]);
  assert.deepEqual(await vms.list({ search: "bogus=1 vm002" }), [], "two free-text words");
});

Deno.test("simulator: a negative max on a searched collection is the engine's 400 fault", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  await rejectsWith(vms.list({ max: -1 }), 400, /^illegal max count value for query : -1$/);
  await rejectsWith(
    system.eventsService().list({ max: -1, search: "severity=normal" }),
    400,
    /illegal max count value/,
  );
  const [vm] = await vms.list({ search: "name=vm001" });
  const nics = await vms.vmService(vm.id!).nicsService().list();
  assert.deepEqual(await vms.vmService(vm.id!).nicsService().list({ max: -1 }), nics);
});

Deno.test("simulator: a field the engine knows but the simulator cannot evaluate is a 400", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  for (const search of ["sortby cpu_usage desc", "ip=10.0.*", "tag=prod", "name=x or apps=*"]) {
    await rejectsWith(vms.list({ search }), 400, /does not evaluate the engine's field/);
  }
  await rejectsWith(system.hostsService().list({ search: "cpu_usage>80" }), 400, /cpu_usage/);
});

/**
 * The simulator takes this session's engine parameters as the engine does: every event carries
 * its `index`, so `from: event.index` resumes after it; a storage domain's `unregistered` disks
 * are the unregistered ones only (none); a user's update keeps the options it leaves out with
 * `merge=true` and removes them without.
 */

import assert from "node:assert/strict";
import { followEvents, NotFoundError, services, types } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

/** The storage domain `name`, found by a search. */
async function domainNamed(
  system: services.SystemService,
  name: string,
): Promise<types.StorageDomain> {
  const [domain] = await system.storageDomainsService().list({ search: `name=${name}` });
  return domain;
}

Deno.test("simulator: every event carries its index, and from: event.index lists only newer events", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const events = system.eventsService();
  const [vm] = await system.vmsService().list();
  const vmService = system.vmsService().vmService(vm.id!);
  await vmService.stop();
  // Down one step later, with its event.
  assert.equal((await vmService.get()).status, "down");
  const added = await events.add({
    description: "from a script",
    severity: "normal",
    origin: "test",
    customId: 7,
    index: 999, // the engine's mapper does not read it: the new event's id is its index
  });
  assert.equal(added.index, Number(added.id));
  const all = await events.list();
  assert.ok(all.length > 2);
  for (const event of all) assert.equal(event.index, Number(event.id));
  const [newest] = all;
  assert.ok(Number(newest.id) >= Number(added.id));
  assert.deepEqual(await events.list({ from: newest.index }), []);

  const later = await events.add({
    description: "later",
    severity: "normal",
    origin: "test",
    customId: 8,
  });
  for await (const event of followEvents(events, { from: newest.index, interval: 10 })) {
    assert.equal(event.id, later.id);
    break;
  }
});

Deno.test("simulator: a storage domain lists no unregistered disk, and gets a registered one only as registered", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const data = await domainNamed(system, "data");
  const domain = system.storageDomainsService().storageDomainService(data.id!);
  const [disk] = await domain.disksService().list();
  assert.ok(disk);
  assert.deepEqual(await domain.disksService().list({ unregistered: true }), []);
  const diskService = domain.disksService().diskService(disk.id!);
  assert.equal((await diskService.get()).id, disk.id);
  await assert.rejects(diskService.get({ unregistered: true }), NotFoundError);
});

Deno.test("simulator: a user's update keeps the options it leaves out with merge, removes them without", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 0 });
  const users = session.connection.systemService().usersService();
  const [user] = await users.list();
  const userService = users.userService(user.id!);
  const optionsOf = async () => {
    const options = await userService.optionsService().list();
    return options.map((option) => [option.name, option.content]).sort();
  };
  const shown = async () => (await userService.get()).userOptions?.map((p) => [p.name, p.value]);

  await userService.update({ userOptions: [{ name: "a", value: "1" }] }, { merge: true });
  const merged = await userService.update(
    { userOptions: [{ name: "b", value: "2" }, { name: "a", value: "3" }] },
    { merge: true },
  );
  const names = (await optionsOf()).map(([name]) => name);
  assert.ok(names.includes("a") && names.includes("b"));
  assert.deepEqual(
    merged.userOptions?.filter((p) => p.name !== "user_option-sample").map((
      p,
    ) => [p.name, p.value]),
    [["a", "3"], ["b", "2"]],
  );

  await userService.update({ userOptions: [{ name: "c", value: "4" }] });
  assert.deepEqual(await optionsOf(), [["c", "4"]]);
  assert.deepEqual(await shown(), [["c", "4"]]);
  await userService.update({}, { merge: true });
  assert.deepEqual(await optionsOf(), [["c", "4"]]);
  await userService.update({});
  assert.deepEqual(await optionsOf(), []);
  assert.equal(await shown(), undefined);
});

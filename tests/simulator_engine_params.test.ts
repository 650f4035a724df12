/**
 * The simulator takes this session's engine parameters as the engine does: a disk copy or
 * move reads its disk profile and quota by id only (a reference by name fails the engine
 * with its application server's 500 page; a profile of another domain and an unknown quota
 * are refused); every event carries its `index`, so `from: event.index` resumes after it; a
 * storage domain's `unregistered` disks are the unregistered ones only (none); a user's
 * update keeps the options it leaves out with `merge=true` and removes them without.
 */

import assert from "node:assert/strict";
import { followEvents, NotFoundError, OvirtError, type services, type types } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

/** The storage domain `name`, found by a search. */
async function domainNamed(
  system: services.SystemService,
  name: string,
): Promise<types.StorageDomain> {
  const [domain] = await system.storageDomainsService().list({ search: `name=${name}` });
  return domain;
}

/** The disk profile of storage domain `domain`. */
async function profileOf(
  system: services.SystemService,
  domain: types.StorageDomain,
): Promise<types.DiskProfile> {
  const profiles = await system.diskProfilesService().list();
  return profiles.find((profile) => profile.storageDomain?.id === domain.id)!;
}

Deno.test("simulator: a disk copy or move naming its profile or quota without an id fails with the engine's 500 page", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const data = await domainNamed(system, "data");
  const disks = system.storageDomainsService().storageDomainService(data.id!).disksService();
  const [disk] = await disks.list();
  const diskService = disks.diskService(disk.id!);
  const byName = [{ quota: { name: "Default" } }, { diskProfile: { name: "data" } }];
  for (const reference of byName) {
    const copy = diskService.copy({
      storageDomain: { id: data.id },
      disk: { name: "by-name" },
      ...reference,
    });
    // No <fault>: the application server's page.
    await assert.rejects(copy, (error: unknown) => {
      assert.ok(error instanceof OvirtError);
      assert.equal(error.code, 500);
      assert.equal(error.fault, undefined);
      return true;
    });
    const move = system.disksService().diskService(disk.id!).move({
      storageDomain: { id: data.id },
      ...reference,
    });
    await assert.rejects(
      move,
      (error: unknown) => error instanceof OvirtError && error.code === 500,
    );
  }
  assert.deepEqual((await disks.list()).filter((item) => item.name === "by-name"), []);
  assert.equal((await diskService.get()).status, "ok");
});

Deno.test("simulator: a disk copy refuses a profile of another storage domain and a quota that does not exist", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const data = await domainNamed(system, "data");
  const iso = await domainNamed(system, "iso");
  const disks = system.storageDomainsService().storageDomainService(data.id!).disksService();
  const [disk] = await disks.list();
  const diskService = disks.diskService(disk.id!);
  const target = { storageDomain: { id: data.id }, disk: { name: "refused" } };

  const isoProfile = await profileOf(system, iso);
  await assert.rejects(
    diskService.copy({ ...target, diskProfile: { id: isoProfile.id } }),
    (error: unknown) =>
      error instanceof OvirtError && error.code === 400 &&
      error.fault?.detail ===
        `[Cannot copy Virtual Disk. Cannot find a disk profile defined on storage domain ${data.id}.]`,
  );
  const unknown = "11111111-1111-1111-1111-111111111111";
  await assert.rejects(
    diskService.copy({ ...target, quota: { id: unknown } }),
    (error: unknown) =>
      error instanceof OvirtError && error.code === 400 &&
      error.fault?.detail === "[Cannot copy Virtual Disk. Quota doesn't exist.]",
  );
  assert.deepEqual((await disks.list()).filter((item) => item.name === "refused"), []);

  // The data domain's own profile, by id, is taken.
  const dataProfile = await profileOf(system, data);
  await diskService.copy({
    ...target,
    disk: { name: "taken" },
    diskProfile: { id: dataProfile.id },
  });
  const [copy] = (await disks.list()).filter((item) => item.name === "taken");
  assert.equal(copy.diskProfile?.id, dataProfile.id);
});

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
  // A property without a value fails the engine's reading of them: its 500 page, no change.
  await assert.rejects(
    userService.update({ userOptions: [{ name: "d" }] }, { merge: true }),
    (error: unknown) => error instanceof OvirtError && error.code === 500,
  );
  await userService.update({}, { merge: true });
  assert.deepEqual(await optionsOf(), [["c", "4"]]);
  await userService.update({});
  assert.deepEqual(await optionsOf(), []);
  assert.equal(await shown(), undefined);
});

Deno.test("simulator: a VM registered without a cluster takes its configuration's, and none is refused as the engine refuses it", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const data = await domainNamed(system, "data");
  const vms = system.storageDomainsService().storageDomainService(data.id!).vmsService();
  const [oldvm] = await vms.list({ unregistered: true });
  // The REST layer asks for no cluster; the VM found on the domain names none this setup has.
  await assert.rejects(
    vms.vmService(oldvm.id!).register(),
    (error: unknown) =>
      error instanceof OvirtError && error.code === 400 &&
      /Cannot import VM\. The relevant Cluster doesn't exist\./.test(error.message),
  );
  await vms.vmService(oldvm.id!).register({ cluster: { name: "Default" } });
  assert.deepEqual(await vms.list({ unregistered: true }), []);
});

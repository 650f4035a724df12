/**
 * Storage domain maintenance as the engine allows it: not while running VMs use the
 * domain; the master role moves to another active data domain, and the data center goes
 * to maintenance with its last one; nothing new is put on a domain in maintenance; a
 * non-data domain is attached only to a data center that has its data domain.
 */

import assert from "node:assert/strict";
import { types, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: deactivating storage domains, master election, data center maintenance", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const dcService = system.dataCentersService().dataCenterService(dc.id!);
  const attached = dcService.storageDomainsService();
  const [host] = await system.hostsService().list({ search: "status=up", max: 1 });
  const second = await system.storageDomainsService().add({
    name: "data2",
    type: types.StorageDomainType.DATA,
    host: { id: host.id },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/data2" },
  });
  await attached.add({ id: second.id });
  await waitForStatus(attached.storageDomainService(second.id!), "active", POLL);
  const master = (await attached.list()).find((domain) => domain.master)!;
  const masterService = attached.storageDomainService(master.id!);
  await rejectsWith(
    masterService.deactivate(),
    409,
    /VMs in a state other than "Down" or "Suspended"/,
  );

  const vms = system.vmsService();
  for (const vm of await vms.list({ search: "status!=down" })) await vms.vmService(vm.id!).stop();
  await masterService.deactivate();
  await waitForStatus(masterService, "maintenance", POLL);
  const byName = new Map((await attached.list()).map((domain) => [domain.name, domain]));
  assert.equal(byName.get(master.name!)?.master, false);
  assert.equal(byName.get("data2")?.master, true, "the other active data domain is master");
  assert.equal((await dcService.get()).status, types.DataCenterStatus.UP);

  const [vm] = await vms.list({ search: "status=down", max: 1 });
  await rejectsWith(vms.vmService(vm.id!).start(), 409, /status is Maintenance/);
  await rejectsWith(
    system.disksService().add({
      name: "on-maintenance",
      format: types.DiskFormat.COW,
      provisionedSize: 1024 ** 3,
      storageDomains: [{ id: master.id }],
    }),
    409,
    /Cannot add Virtual Disk\. The relevant Storage Domain's status is Maintenance\./,
  );

  const secondService = attached.storageDomainService(second.id!);
  const others = (await attached.list()).filter((domain) =>
    domain.status === types.StorageDomainStatus.ACTIVE && domain.id !== second.id
  );
  assert.ok(others.length > 0, "an active non-data domain (the ISO domain) is left");
  await rejectsWith(secondService.deactivate(), 409, /active non-data domains/);
  for (const other of others) await attached.storageDomainService(other.id!).deactivate();
  await secondService.deactivate();
  await waitForStatus(secondService, "maintenance", POLL);
  assert.equal((await dcService.get()).status, types.DataCenterStatus.MAINTENANCE);
});

Deno.test("simulator: a non-data domain needs a data center with a data domain", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [host] = await system.hostsService().list({ search: "status=up", max: 1 });
  const empty = await system.dataCentersService().add({ name: "empty", local: false });
  // The engine attaches domains through a host up in the data center.
  await system.clustersService().add({ name: "c2", dataCenter: { id: empty.id } });
  const added = await system.hostsService().add({
    name: "host4",
    address: "host4.example.com",
    rootPassword: "secret",
    cluster: { name: "c2" },
  });
  await waitForStatus(system.hostsService().hostService(added.id!), "up", POLL);
  const iso = await system.storageDomainsService().add({
    name: "iso2",
    type: types.StorageDomainType.ISO,
    host: { id: host.id },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/iso2" },
  });
  await rejectsWith(
    system.dataCentersService().dataCenterService(empty.id!).storageDomainsService().add({
      id: iso.id,
    }),
    409,
    /Please attach Data Domain to the Data Center first/,
  );
});

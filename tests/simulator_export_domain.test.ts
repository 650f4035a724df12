/**
 * Exporting to an export domain: the domain must be active in the data center of the VM
 * or template, and a VM must be down.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function addExportDomain(connection: Connection): Promise<types.StorageDomain> {
  return await connection.systemService().storageDomainsService().add({
    name: "export1",
    type: types.StorageDomainType.EXPORT,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exp" },
  });
}

Deno.test("simulator: export needs an active export domain of the data center and a down VM", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const domain = await addExportDomain(session.connection);
  const [down] = await system.vmsService().list({ search: "status=down", max: 1 });
  const vm = system.vmsService().vmService(down.id!);
  await rejectsWith(
    vm.export({ storageDomain: { id: domain.id } }),
    409,
    /^\[Cannot export VM\. The relevant Storage Domain's status is Unattached\.\]$/,
  );
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const attached = system.dataCentersService().dataCenterService(dc.id!).storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", { interval: 5 });
  const [up] = await system.vmsService().list({ search: "status=up", max: 1 });
  await rejectsWith(
    system.vmsService().vmService(up.id!).export({ storageDomain: { id: domain.id } }),
    409,
    /^\[Cannot export VM\. At least one of the VMs is not down\.\]$/,
  );
  await vm.export({ storageDomain: { id: domain.id } });
  await waitForStatus(vm, "down", { interval: 5 });
  const copies = await system.storageDomainsService().storageDomainService(domain.id!)
    .vmsService().list();
  assert.deepEqual(copies.map((copy) => copy.id), [down.id]);
});

Deno.test("simulator: export to a domain of another data center is refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const other = await system.dataCentersService().add({ name: "dc2", local: false });
  const attached = system.dataCentersService().dataCenterService(other.id!).storageDomainsService();
  // The engine attaches domains through a host up in the data center.
  await system.clustersService().add({ name: "c2", dataCenter: { id: other.id } });
  const host = await system.hostsService().add({
    name: "host4",
    address: "host4.example.com",
    rootPassword: "secret",
    cluster: { name: "c2" },
  });
  await waitForStatus(system.hostsService().hostService(host.id!), "up", { interval: 5 });
  const data = await system.storageDomainsService().add({
    name: "data2",
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/data2" },
  });
  const domain = await addExportDomain(session.connection);
  for (const id of [data.id!, domain.id!]) {
    await attached.add({ id });
    await waitForStatus(attached.storageDomainService(id), "active", { interval: 5 });
  }
  const [down] = await system.vmsService().list({ search: "status=down", max: 1 });
  await rejectsWith(
    system.vmsService().vmService(down.id!).export({ storageDomain: { id: domain.id } }),
    409,
    /^\[Cannot export VM\. The target Data Center does not contain the VM\.\]$/,
  );
});

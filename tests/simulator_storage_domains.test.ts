/**
 * New storage domains and their attachment as the engine checks them, through the SDK over
 * real HTTP: a domain's host must exist (404 by name) and, for a new file connection, be
 * `up`; a second domain on the same NFS export is refused; a domain is attached only to a
 * data center with a host `up` and, once it is initialized, an active master domain.
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

/** Adds the NFS data domain `name` on `path` through `host` (a host name). */
function addNfs(connection: Connection, name: string, path: string, host = "host1") {
  return connection.systemService().storageDomainsService().add({
    name,
    type: types.StorageDomainType.DATA,
    host: { name: host },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path },
  });
}

Deno.test("simulator: a new domain's host must exist and, for a file connection, be up", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  await rejectsWith(
    addNfs(connection, "nohost", "/exports/nohost", "nosuchhost"),
    404,
    /^Entity not found: Hosts: name=nosuchhost$/,
  );
  await rejectsWith(
    connection.systemService().storageDomainsService().add({
      name: "blk",
      type: types.StorageDomainType.DATA,
      host: { name: "nosuchhost" },
      storage: { type: types.StorageType.ISCSI, logicalUnits: [{ id: "36001405cccc" }] },
    }),
    404,
    /^Entity not found: Hosts: name=nosuchhost$/,
  );
  const hosts = connection.systemService().hostsService();
  const [host2] = await hosts.list({ search: "name=host2" });
  await hosts.hostService(host2.id!).deactivate();
  await waitForStatus(hosts.hostService(host2.id!), types.HostStatus.MAINTENANCE, POLL);
  await rejectsWith(
    addNfs(connection, "viamaint", "/exports/viamaint", "host2"),
    409,
    /^\[Cannot add storage server connection when Host status is not up\]$/,
  );
  const names = (await connection.systemService().storageDomainsService().list()).map((d) =>
    d.name
  );
  assert.ok(!names.some((name) => ["nohost", "blk", "viamaint"].includes(name!)), names.join());
  await addNfs(connection, "viaup", "/exports/viaup");
});

Deno.test("simulator: a second domain on the same NFS export is refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const first = await addNfs(connection, "dup1", "/exports/dup");
  assert.equal(first.status, types.StorageDomainStatus.UNATTACHED);
  const refused = await rejectsWith(
    addNfs(connection, "dup2", "/exports/dup"),
    409,
    /^\[Cannot add Storage Connection\. Storage connection \S+ already exists for dup1\.\]$/,
  );
  const again = await rejectsWith(addNfs(connection, "dup3", "/exports/dup"), 409);
  assert.equal(again.fault?.detail, refused.fault?.detail, "the same connection each time");
  await rejectsWith(
    addNfs(connection, "data2", "/exports/data"),
    409,
    /already exists for data\.\]$/,
  );
  const names = (await connection.systemService().storageDomainsService().list()).map((d) =>
    d.name
  );
  assert.deepEqual(names.filter((name) => /^(dup|data)/.test(name!)), ["data", "dup1"]);
});

Deno.test("simulator: attaching needs a host up in the data center and an active master", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const system = connection.systemService();
  const dc = await system.dataCentersService().add({ name: "dc2", local: false });
  const attached = system.dataCentersService().dataCenterService(dc.id!).storageDomainsService();
  const first = await addNfs(connection, "first", "/exports/first");
  const noHost = /^\[Cannot attach Storage\. There is no active Host in the Data Center\.\]$/;
  await rejectsWith(attached.add({ id: first.id }), 409, noHost);

  await system.clustersService().add({
    name: "c2",
    dataCenter: { id: dc.id },
    cpu: { type: "Intel Nehalem Family" },
  });
  const host = await system.hostsService().add({
    name: "host4",
    address: "host4.example.com",
    rootPassword: "secret",
    cluster: { name: "c2" },
  });
  const hostService = system.hostsService().hostService(host.id!);
  await waitForStatus(hostService, types.HostStatus.UP, POLL);
  await attached.add({ id: first.id });
  await waitForStatus(attached.storageDomainService(first.id!), "active", POLL);

  // The master in maintenance (the data center too): no other domain is attached.
  await attached.storageDomainService(first.id!).deactivate();
  await waitForStatus(attached.storageDomainService(first.id!), "maintenance", POLL);
  const second = await addNfs(connection, "second", "/exports/second");
  await rejectsWith(
    attached.add({ id: second.id }),
    409,
    /^\[Failed to attach Storage due to an error on the Data Center master Storage Domain\.\n-Please activate the master Storage Domain first\.\]$/,
  );
  await attached.storageDomainService(first.id!).activate();
  await waitForStatus(attached.storageDomainService(first.id!), "active", POLL);
  await hostService.deactivate();
  await waitForStatus(hostService, types.HostStatus.MAINTENANCE, POLL);
  await rejectsWith(attached.add({ id: second.id }), 409, noHost);
  await hostService.activate();
  await waitForStatus(hostService, types.HostStatus.UP, POLL);
  await attached.add({ id: second.id });
  await waitForStatus(attached.storageDomainService(second.id!), "active", POLL);
});

/**
 * The API root's summary counts as the engine's `GetSystemStatisticsQuery` does: active
 * VMs are those running in any way (starting, paused, stopping too), active hosts those up
 * or preparing for maintenance, active storage domains the attachments active in a data
 * center (an unattached domain is not active).
 */

import assert from "node:assert/strict";
import { types, waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: the summary counts only storage domains active in a data center", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const summary = async () => (await system.get()).summary!.storageDomains!;
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const attached = system.dataCentersService().dataCenterService(dc.id!).storageDomainsService();
  const activeNow = (await attached.list()).filter((domain) => domain.status === "active");
  const before = await summary();
  assert.equal(before.active, activeNow.length);

  const [host] = await system.hostsService().list({ search: "status=up", max: 1 });
  await system.storageDomainsService().add({
    name: "spare",
    type: types.StorageDomainType.DATA,
    host: { id: host.id },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/spare" },
  });
  const added = await summary();
  assert.equal(added.total, Number(before.total) + 1);
  assert.equal(added.active, before.active, "an unattached domain is not active");

  const iso = activeNow.find((domain) => domain.type === types.StorageDomainType.ISO)!;
  await attached.storageDomainService(iso.id!).deactivate();
  await waitForStatus(attached.storageDomainService(iso.id!), "maintenance", POLL);
  assert.equal(
    (await summary()).active,
    Number(before.active) - 1,
    "a domain in maintenance is not",
  );
});

Deno.test("simulator: the summary counts starting and stopping VMs and hosts preparing for maintenance as active", async () => {
  await using session = await simulatorSession({ delay: 60_000 });
  const system = session.connection.systemService();
  const active = async () => {
    const { vms, hosts } = (await system.get()).summary!;
    return { vms: Number(vms!.active), hosts: Number(hosts!.active) };
  };
  const before = await active();
  const vms = system.vmsService();
  const [down] = await vms.list({ search: "status=down", max: 1 });
  await vms.vmService(down.id!).start();
  assert.equal((await vms.vmService(down.id!).get()).status, types.VmStatus.WAIT_FOR_LAUNCH);
  const [up] = await vms.list({ search: "status=up", max: 1 });
  await vms.vmService(up.id!).shutdown();
  assert.equal((await vms.vmService(up.id!).get()).status, types.VmStatus.POWERING_DOWN);
  assert.equal((await active()).vms, before.vms + 1, "waiting for launch and powering down");

  const hosts = system.hostsService();
  const [host] = await hosts.list({ search: "status=up", max: 1 });
  await hosts.hostService(host.id!).deactivate();
  assert.equal(
    (await hosts.hostService(host.id!).get()).status,
    types.HostStatus.PREPARING_FOR_MAINTENANCE,
  );
  assert.equal((await active()).hosts, before.hosts, "preparing for maintenance is active");
});

/**
 * The flow of the Python SDK README, through the SDK against the simulator over real
 * HTTP: connect, search, add a VM from a template, lifecycle, links, next-run update,
 * detaching a disk, removal, and a storage domain's `isAttached`.
 */

import assert from "node:assert/strict";
import { NotFoundError, type OvirtError, types, waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const GIB = 1024 ** 3;
const POLL = { interval: 10, timeout: 5000 };

Deno.test("simulator: the README flow through the SDK", async () => {
  await using session = await simulatorSession({ delay: 30 });
  const { connection } = session;
  assert.equal(await connection.test(), true);
  const system = connection.systemService();
  const vmsService = system.vmsService();

  const found = await vmsService.list({ search: "name=vm00*", max: 5 });
  assert.equal(found.length, 5);
  assert.ok(
    found.every((vm) => vm.name!.startsWith("vm00")),
    JSON.stringify(found.map((vm) => vm.name)),
  );

  const vm = await vmsService.add({
    name: "myvm",
    cluster: { name: "Default" },
    template: { name: "centos9" },
    memory: GIB,
  });
  assert.equal(vm.name, "myvm");
  assert.equal(vm.status, types.VmStatus.IMAGE_LOCKED);
  assert.equal(vm.memory, GIB);
  const vmService = vmsService.vmService(vm.id!);
  await waitForStatus(vmService, types.VmStatus.DOWN, POLL);

  await vmService.start();
  const started = await vmService.get();
  const starting: string[] = [types.VmStatus.WAIT_FOR_LAUNCH, types.VmStatus.POWERING_UP];
  assert.ok(starting.includes(started.status!), `starting, not ${started.status}`);
  const up = await waitForStatus(vmService, types.VmStatus.UP, POLL);
  assert.ok(up.host?.id, "a running VM has a host");
  assert.ok(up.startTime instanceof Date);
  await assert.rejects(vmService.start(), (error: OvirtError) => {
    assert.equal(error.code, 409);
    assert.match(error.fault?.detail ?? "", /VM is running/);
    return true;
  });

  assert.ok(connection.isLink(up.diskAttachments));
  const attachments = await connection.followLink(up.diskAttachments!);
  assert.equal(attachments.length, 1);
  const disk = await connection.followLink(attachments[0].disk!);
  assert.equal(disk.id, attachments[0].id);
  assert.equal(disk.status, types.DiskStatus.OK);
  assert.equal(disk.provisionedSize, 10 * GIB);

  const pending = await vmService.update({ memory: 2 * GIB }, { nextRun: true });
  assert.equal(pending.memory, 2 * GIB);
  const current = await vmService.get();
  assert.equal(current.memory, GIB);
  assert.equal(current.nextRunConfigurationExists, true);
  assert.equal((await vmService.get({ nextRun: true })).memory, 2 * GIB);

  await vmService.stop();
  const stopped = await waitForStatus(vmService, types.VmStatus.DOWN, POLL);
  assert.equal(stopped.memory, 2 * GIB, "the next-run configuration applies once down");
  assert.equal(stopped.nextRunConfigurationExists, false);
  assert.equal(stopped.host, undefined);
  await assert.rejects(vmService.stop(), (error: OvirtError) => error.code === 409);

  const attachmentsService = vmService.diskAttachmentsService();
  await attachmentsService.attachmentService(disk.id!).remove({ detachOnly: true });
  assert.deepEqual(await attachmentsService.list(), []);
  const kept = await system.disksService().diskService(disk.id!).get();
  assert.equal(kept.id, disk.id, "a detached disk stays");

  await vmService.remove();
  await assert.rejects(vmService.get(), NotFoundError);

  const domainsService = system.storageDomainsService();
  const [data] = await domainsService.list({ search: "name=data" });
  const host = { host: { name: "host1" } };
  assert.equal(await domainsService.storageDomainService(data.id!).isAttached(host), true);
  const fresh = await domainsService.add({
    name: "fresh",
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exports/fresh" },
  });
  assert.equal(fresh.status, types.StorageDomainStatus.UNATTACHED);
  const freshService = domainsService.storageDomainService(fresh.id!);
  assert.equal(await freshService.isAttached(host), false);

  const [dataCenter] = await system.dataCentersService().list({ search: "name=Default" });
  const attachedService = system.dataCentersService().dataCenterService(dataCenter.id!)
    .storageDomainsService();
  const attached = await attachedService.add({ id: fresh.id });
  assert.equal(attached.status, types.StorageDomainStatus.LOCKED);
  await waitForStatus(
    attachedService.storageDomainService(fresh.id!),
    types.StorageDomainStatus.ACTIVE,
    POLL,
  );
  assert.equal(await freshService.isAttached(host), true);
  assert.equal((await freshService.get()).status, undefined, "attached: no status at top level");
});

/**
 * Status lifecycles and side effects of the simulator (protocol section 7) through the
 * SDK: hosts, templates, disks and disk attachments, snapshots, storage domains, events,
 * jobs, VM backups and graphics consoles.
 */

import assert from "node:assert/strict";
import { NotFoundError, type OvirtError, types, waitFor, waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const GIB = 1024 ** 3;
const POLL = { interval: 5, timeout: 5000 };
/**
 * Milliseconds per lifecycle step where a test looks at a passing state (locked, preparing):
 * long enough that a loaded machine still sees it before the next step.
 */
const STEP = 250;

async function connect(delay = 0) {
  const session = await simulatorSession({ delay });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: hosts go to maintenance and back, and are removed only there", async () => {
  await using env = await connect(STEP);
  const hosts = env.system.hostsService();
  const [host3] = await hosts.list({ search: "name=host3" });
  await assert.rejects(hosts.hostService(host3.id!).deactivate(), (error: OvirtError) => {
    assert.match(error.fault!.detail!, /no other Host to migrate its VMs to/);
    return true;
  });
  const [host1, host2] = await hosts.list({ search: "cluster=Default sortby name" });
  const host = hosts.hostService(host1.id!);
  await assert.rejects(host.remove(), (error: OvirtError) => error.code === 409);
  await host.deactivate();
  assert.equal((await host.get()).status, types.HostStatus.PREPARING_FOR_MAINTENANCE);
  await waitForStatus(host, types.HostStatus.MAINTENANCE, POLL);
  const moved = await env.system.vmsService().list({ search: "host=host1" });
  assert.deepEqual(moved, [], "its VMs migrated");
  assert.ok((await env.system.vmsService().list({ search: `host=${host2.name}` })).length > 0);
  await host.activate();
  await waitForStatus(host, types.HostStatus.UP, POLL);
  await host.deactivate();
  await waitForStatus(host, types.HostStatus.MAINTENANCE, POLL);
  await host.remove();
  await assert.rejects(host.get(), NotFoundError);

  const added = await hosts.add({
    name: "host4",
    address: "host4.example.com",
    cluster: { name: "Default" },
  });
  assert.equal(added.status, types.HostStatus.INSTALLING);
  await waitForStatus(hosts.hostService(added.id!), types.HostStatus.UP, POLL);
  assert.deepEqual(
    await hosts.hostService(added.id!).iscsiDiscover({ iscsi: { address: "192.0.2.10" } }),
    [
      "iqn.2024-01.org.example:storage.target1",
    ],
  );
});

Deno.test("simulator: a template made from a VM copies its disks; templates in use stay", async () => {
  await using env = await connect(STEP);
  const vms = env.system.vmsService();
  const [source] = await vms.list({ search: "status=down", max: 1 });
  const templates = env.system.templatesService();
  const template = await templates.add({ name: "golden", vm: { id: source.id } });
  assert.equal(template.status, types.TemplateStatus.LOCKED);
  assert.equal((await vms.vmService(source.id!).get()).status, types.VmStatus.IMAGE_LOCKED);
  const templateService = templates.templateService(template.id!);
  await waitForStatus(templateService, types.TemplateStatus.OK, POLL);
  await waitForStatus(vms.vmService(source.id!), types.VmStatus.DOWN, POLL);
  const attachments = await templateService.diskAttachmentsService().list();
  assert.equal(attachments.length, 1);

  const child = await vms.add({
    name: "from-golden",
    cluster: { name: "Default" },
    template: { name: "golden" },
  });
  await waitForStatus(vms.vmService(child.id!), types.VmStatus.DOWN, POLL);
  await assert.rejects(templateService.remove(), (error: OvirtError) => {
    assert.equal(error.code, 409);
    assert.match(error.fault!.detail!, /being used by the following VMs: from-golden/);
    return true;
  });
  await vms.vmService(child.id!).remove();
  await templateService.remove();
  await assert.rejects(templateService.get(), NotFoundError);
});

Deno.test("simulator: disk attachments create disks; removal with detach_only=false deletes them", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const attachments = vms.vmService(vm.id!).diskAttachmentsService();
  const attachment = await attachments.add({
    interface: types.DiskInterface.VIRTIO_SCSI,
    bootable: false,
    disk: {
      name: "extra",
      provisionedSize: GIB,
      format: types.DiskFormat.COW,
      storageDomains: [{ name: "data" }],
    },
  });
  const disk = env.system.disksService().diskService(attachment.id!);
  await waitForStatus(disk, types.DiskStatus.OK, POLL);
  await attachments.attachmentService(attachment.id!).update({
    disk: { provisionedSize: 2 * GIB },
  });
  assert.equal((await disk.get()).provisionedSize, 2 * GIB);
  assert.equal((await attachments.list()).length, 2);
  await attachments.attachmentService(attachment.id!).remove({ detachOnly: false });
  await assert.rejects(disk.get(), NotFoundError);
  assert.equal((await attachments.list()).length, 1);
});

Deno.test("simulator: snapshots are locked for a while, not their VM; the active one stays", async () => {
  await using env = await connect(STEP);
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const vmService = vms.vmService(vm.id!);
  const snapshots = vmService.snapshotsService();
  const snapshot = await snapshots.add({ description: "before upgrade" });
  assert.equal(snapshot.snapshotStatus, types.SnapshotStatus.LOCKED);
  assert.equal((await vmService.get()).status, types.VmStatus.DOWN);
  await waitFor(
    () => snapshots.snapshotService(snapshot.id!).get(),
    (s) => s.snapshotStatus === "ok",
    POLL,
  );
  const all = await snapshots.list();
  const active = all.find((item) => item.snapshotType === types.SnapshotType.ACTIVE)!;
  await assert.rejects(
    snapshots.snapshotService(active.id!).remove(),
    (error: OvirtError) => error.code === 409,
  );
  await snapshots.snapshotService(snapshot.id!).remove();
  // Merged away: locked for a step, then gone.
  const merging = await snapshots.snapshotService(snapshot.id!).get();
  assert.equal(merging.snapshotStatus, types.SnapshotStatus.LOCKED);
  await waitFor(() => snapshots.list(), (list) => list.length === 1, POLL);
  assert.deepEqual((await snapshots.list()).map((item) => item.id), [active.id]);
});

Deno.test("simulator: attached storage domains deactivate, activate and detach", async () => {
  await using env = await connect(STEP);
  const [dataCenter] = await env.system.dataCentersService().list({ search: "name=Default" });
  assert.equal(dataCenter.status, types.DataCenterStatus.UP);
  const attached = env.system.dataCentersService().dataCenterService(dataCenter.id!)
    .storageDomainsService();
  const domains = await attached.list();
  const iso = domains.find((domain) => domain.name === "iso")!;
  assert.equal(iso.status, types.StorageDomainStatus.ACTIVE);
  assert.equal(domains.find((domain) => domain.name === "data")!.master, true);
  const isoService = attached.storageDomainService(iso.id!);
  await assert.rejects(isoService.remove(), (error: OvirtError) => error.code === 409);
  await isoService.deactivate();
  await waitForStatus(isoService, types.StorageDomainStatus.MAINTENANCE, POLL);
  await isoService.activate();
  await waitForStatus(isoService, types.StorageDomainStatus.ACTIVE, POLL);
  await isoService.deactivate();
  await waitForStatus(isoService, types.StorageDomainStatus.MAINTENANCE, POLL);
  await isoService.remove();
  const top = env.system.storageDomainsService().storageDomainService(iso.id!);
  assert.equal((await top.get()).status, types.StorageDomainStatus.UNATTACHED);
  assert.equal(await top.isAttached({ host: { name: "host1" } }), false);
  const disks = await env.system.storageDomainsService().storageDomainService(domains[0].id!)
    .disksService().list();
  assert.ok(disks.length > 0);
});

Deno.test("simulator: every change appends an event; from=N lists the newer ones", async () => {
  await using env = await connect();
  const events = env.system.eventsService();
  const [latest] = await events.list({ max: 1 });
  const from = Number(latest.id);
  const vms = env.system.vmsService();
  const vm = await vms.add({
    name: "evented",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  await vms.vmService(vm.id!).start();
  await waitForStatus(vms.vmService(vm.id!), types.VmStatus.UP, POLL);
  const newer = await events.list({ from });
  const ids = newer.map((event) => Number(event.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), "newest first, as the engine sorts");
  assert.ok(ids.every((id) => id > from));
  assert.ok(newer.some((event) => event.vm?.id === vm.id && /was added/.test(event.description!)));
  assert.ok(newer.some((event) => /is up/.test(event.description!)));
  const [newest] = await events.list({ from, max: 1 });
  assert.equal(Number(newest.id), ids[0], "max keeps the newest");
  assert.deepEqual(await events.list({ from: ids[0] }), []);
});

Deno.test("simulator: external jobs start and end", async () => {
  await using env = await connect();
  const jobs = env.system.jobsService();
  const job = await jobs.add({ description: "backup run" });
  assert.equal(job.status, types.JobStatus.STARTED);
  await jobs.jobService(job.id!).end({ succeeded: true });
  const ended = await jobs.jobService(job.id!).get();
  assert.equal(ended.status, types.JobStatus.FINISHED);
  assert.ok(ended.endTime instanceof Date);
});

Deno.test("simulator: VM backups become ready and leave a checkpoint", async () => {
  await using env = await connect();
  const [vm] = await env.system.vmsService().list({ search: "status=up", max: 1 });
  const vmService = env.system.vmsService().vmService(vm.id!);
  const [attachment] = await vmService.diskAttachmentsService().list();
  const backups = vmService.backupsService();
  const backup = await backups.add({ disks: [{ id: attachment.id }] });
  assert.equal(backup.phase, types.BackupPhase.INITIALIZING);
  const backupService = backups.backupService(backup.id!);
  await waitFor(
    () => backupService.get(),
    (value) => value.phase === types.BackupPhase.READY,
    POLL,
  );
  await backupService.finalize();
  await waitFor(() => backupService.get(), (value) => value.phase === "succeeded", POLL);
  const checkpoints = await vmService.checkpointsService().list();
  assert.ok(checkpoints.some((checkpoint) => checkpoint.id === backup.toCheckpointId));
});

Deno.test("simulator: graphics consoles hand out tickets and connection files", async () => {
  await using env = await connect();
  const [vm] = await env.system.vmsService().list({ search: "status=up", max: 1 });
  const consoles = env.system.vmsService().vmService(vm.id!).graphicsConsolesService();
  const [console] = await consoles.list();
  const service = consoles.consoleService(console.id!);
  const ticket = await service.ticket();
  assert.ok(ticket?.value && ticket.expiry === 7200);
  const file = await service.remoteViewerConnectionFile();
  assert.match(file ?? "", /^\[virt-viewer\]\ntype=vnc\nhost=host\d\.example\.com\n/);
});

Deno.test("simulator: a power-off records the VM going down, like a shutdown", async () => {
  await using env = await connect();
  const events = env.system.eventsService();
  const vms = env.system.vmsService();
  for (const [name, action] of [["powered-off", "stop"], ["shut-down", "shutdown"]] as const) {
    const [latest] = await events.list({ max: 1 });
    const vm = await vms.add({ name, cluster: { name: "Default" }, template: { name: "Blank" } });
    const vmService = vms.vmService(vm.id!);
    await vmService.start();
    await waitForStatus(vmService, types.VmStatus.UP, POLL);
    await vmService[action]();
    await waitForStatus(vmService, types.VmStatus.DOWN, POLL);
    const newer = await events.list({ from: Number(latest.id) });
    const downs = newer.filter((event) =>
      event.vm?.id === vm.id && /is down/.test(event.description!)
    );
    assert.equal(downs.length, 1, `${action}: one "is down" event`);
  }
});

/**
 * What the simulator refuses as the engine does, through the SDK over real HTTP: changes
 * to a VM whose images are locked, locked disks and templates, bad enum text and integers
 * beyond their member's range, disks without a format, snapshot previews and removals in the wrong
 * state, templates of running VMs, migrations to nowhere, image transfer and job actions
 * in the wrong state; and the `All-Content` header.
 */

import assert from "node:assert/strict";
import { OvirtError, types, waitFor, waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const POLL = { interval: 5, timeout: 5000 };
/** Milliseconds per lifecycle step where a test acts on a passing state (locked, powering up). */
const STEP = 250;
/** A longer step, for tests that make several requests while an object is locked. */
const LONG_STEP = 1000;

async function connect(delay = 0) {
  const session = await simulatorSession({ delay });
  return { ...session, system: session.connection.systemService() };
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: number,
  detail?: RegExp,
  reason?: string,
): Promise<void> {
  let caught: unknown;
  await promise.catch((error) => caught = error);
  assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (detail) assert.match(caught.fault?.detail ?? "", detail);
  if (reason) assert.equal(caught.fault?.reason, reason);
}

const VM_LOCKED = /^\[Cannot .* VM: VM is locked\. Please try again in a few minutes\.\]$/;

Deno.test("simulator: a VM whose images are locked gets no NIC or disk and loses none", async () => {
  await using env = await connect(LONG_STEP);
  const floating = await env.system.disksService().add({
    name: "spare",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(env.system.disksService().diskService(floating.id!), "ok", POLL);
  const vms = env.system.vmsService();
  const vm = await vms.add({
    name: "locked-web",
    cluster: { name: "Default" },
    template: { name: "centos9" },
  });
  assert.equal(vm.status, types.VmStatus.IMAGE_LOCKED);
  const service = vms.vmService(vm.id!);
  const attachments = service.diskAttachmentsService();
  const [copied] = await attachments.list();
  await rejectsWith(service.nicsService().add({ name: "nic2" }), 409, VM_LOCKED);
  const newDisk = {
    interface: types.DiskInterface.VIRTIO_SCSI,
    bootable: false,
    disk: {
      name: "data",
      format: types.DiskFormat.COW,
      provisionedSize: GIB,
      storageDomains: [{ name: "data" }],
    },
  };
  await rejectsWith(attachments.add(newDisk), 409, VM_LOCKED);
  await rejectsWith(attachments.attachmentService(copied.id!).remove(), 409, VM_LOCKED);
  await rejectsWith(
    attachments.add({ interface: types.DiskInterface.VIRTIO, disk: { id: floating.id } }),
    409,
    VM_LOCKED,
  );
  assert.equal((await service.nicsService().list()).length, 1);
  assert.deepEqual((await attachments.list()).map((item) => item.id), [copied.id]);

  await waitForStatus(service, types.VmStatus.DOWN, POLL);
  await service.nicsService().add({ name: "nic2" });
  await attachments.add(newDisk);
  await attachments.add({ interface: types.DiskInterface.VIRTIO, disk: { id: floating.id } });
  await attachments.attachmentService(floating.id!).remove();
});

Deno.test("simulator: a locked disk cannot be attached until it is ok", async () => {
  await using env = await connect(STEP);
  const [vm] = await env.system.vmsService().list({ search: "status=down", max: 1 });
  const attachments = env.system.vmsService().vmService(vm.id!).diskAttachmentsService();
  const disk = await env.system.disksService().add({
    name: "fresh",
    format: types.DiskFormat.COW,
    provisionedSize: GIB,
    storageDomains: [{ name: "data" }],
  });
  assert.equal(disk.status, types.DiskStatus.LOCKED);
  const attach = () =>
    attachments.add({ interface: types.DiskInterface.VIRTIO, disk: { id: disk.id } });
  await rejectsWith(
    attach(),
    409,
    /^\[Cannot attach Virtual Disk: Disk is locked\. Please try again later\.\]$/,
  );
  await waitForStatus(env.system.disksService().diskService(disk.id!), "ok", POLL);
  assert.equal((await attach()).id, disk.id);
});

Deno.test("simulator: no VM or pool from a template still locked; templates only of VMs that are down", async () => {
  await using env = await connect(LONG_STEP);
  const vms = env.system.vmsService();
  const templates = env.system.templatesService();
  const [down] = await vms.list({ search: "status=down", max: 1 });
  const [up] = await vms.list({ search: "status=up", max: 1 });
  const notDown =
    /^\[Cannot add Template\. VM is locked or still running, try again once VM is in the Down state\.\]$/;
  await rejectsWith(templates.add({ name: "of-running", vm: { id: up.id } }), 409, notDown);

  const template = await templates.add({ name: "golden", vm: { id: down.id } });
  assert.equal(template.status, types.TemplateStatus.LOCKED);
  const child = { name: "child", cluster: { name: "Default" }, template: { id: template.id } };
  await rejectsWith(
    vms.add(child),
    409,
    /^\[Cannot add VM\. Template is locked\. Please try again in a few minutes\.\]$/,
  );
  const pools = env.system.vmPoolsService();
  const pool = {
    name: "pool",
    size: 1,
    cluster: { name: "Default" },
    template: { id: template.id },
  };
  await rejectsWith(pools.add(pool), 409, /Template is locked/);
  assert.deepEqual(await pools.list({ search: "name=pool" }), []);
  assert.deepEqual(await vms.list({ search: "name=child" }), []);

  await waitForStatus(templates.templateService(template.id!), types.TemplateStatus.OK, POLL);
  await waitForStatus(vms.vmService(down.id!), types.VmStatus.DOWN, POLL);
  assert.equal((await vms.add(child)).name, "child");
  await pools.add(pool);
});

Deno.test("simulator: a template of a running VM's snapshot is made, the VM left running", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [up] = await vms.list({ search: "status=up", max: 1 });
  const snapshots = vms.vmService(up.id!).snapshotsService();
  const snapshot = await snapshots.add({ description: "before the template" });
  await waitFor(
    () => snapshots.snapshotService(snapshot.id!).get(),
    (got) => got.snapshotStatus === types.SnapshotStatus.OK,
    POLL,
  );
  await waitForStatus(vms.vmService(up.id!), types.VmStatus.UP, POLL);
  const template = await env.system.templatesService().add({
    name: "from-snapshot",
    vm: { id: up.id, snapshots: [{ id: snapshot.id }] },
  });
  assert.equal(template.name, "from-snapshot");
  assert.equal((await vms.vmService(up.id!).get()).status, types.VmStatus.UP);
});

Deno.test("simulator: enum text the enum lacks is a 400 Invalid value, in bodies and queries", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const base = { cluster: { name: "Default" }, template: { name: "Blank" } };
  const reason = "Invalid value";
  await rejectsWith(
    vms.add({ ...base, name: "e1", type: "desktopp" as types.VmType }),
    400,
    /^The string 'desktopp' isn't a valid value for the 'VmType' enumerated type\. Valid values are: 'desktop', 'server', 'high_performance'\.$/,
    reason,
  );
  await rejectsWith(
    vms.add({ ...base, name: "e2", os: { boot: { devices: ["floppyx" as types.BootDevice] } } }),
    400,
    /^The string 'floppyx' isn't a valid value for the 'BootDevice' enumerated type/,
    reason,
  );
  await rejectsWith( // an enum-typed id attribute: <method id="..."/>
    vms.add({ ...base, name: "e3", sso: { methods: [{ id: "kerberos" as types.SsoMethod }] } }),
    400,
    /'kerberos' isn't a valid value for the 'SsoMethod' enumerated type/,
    reason,
  );
  // In a query, the engine gives its message as the detail of a failed operation.
  await rejectsWith(
    vms.add({ ...base, name: "e4" }, { autoPinningPolicy: "bogus" as types.AutoPinningPolicy }),
    400,
    /^Invalid value$/,
    "Operation Failed",
  );
  assert.deepEqual(await vms.list({ search: "name=e*" }), []);
  const [vm] = await vms.list({ max: 1 });
  await rejectsWith(
    vms.vmService(vm.id!).update({ type: "nonsense" as types.VmType }),
    400,
    /'nonsense' isn't a valid value for the 'VmType' enumerated type/,
    reason,
  );
  assert.equal((await vms.vmService(vm.id!).get()).type, vm.type);
  const [cluster] = await env.system.clustersService().list({ search: "name=Default" });
  await rejectsWith(
    env.system.clustersService().clusterService(cluster.id!).upgrade({
      upgradeAction: "explode" as types.ClusterUpgradeAction,
    }),
    400,
    /'explode' isn't a valid value for the 'ClusterUpgradeAction' enumerated type/,
    reason,
  );
  // Known values pass, in any case.
  const added = await vms.add({ ...base, name: "e5", type: "SERVER" as types.VmType });
  assert.equal(added.name, "e5");
});

Deno.test("simulator: integers beyond their member's range are a 400 Invalid value, as the engine's parser says", async () => {
  await using env = await connect();
  // Sent as raw XML: the SDK's writer refuses these values before sending.
  const post = async (path: string, body: string) => {
    const answer = await fetch(`${env.sim.url}/${path}`, {
      method: "POST",
      body,
      headers: {
        Authorization: "Basic " + btoa(`${env.sim.username}:${env.sim.password}`),
        "Content-Type": "application/xml",
        Accept: "application/xml",
      },
    });
    const text = await answer.text();
    const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    return { status: answer.status, reason: tag("reason"), detail: tag("detail") };
  };
  const vm = (name: string, inside: string) =>
    `<vm><name>${name}</name><cluster><name>Default</name></cluster>` +
    `<template><name>Blank</name></template>${inside}</vm>`;
  assert.deepEqual(
    await post(
      "vms",
      vm("big-cpu", "<cpu><topology><sockets>2147483648</sockets></topology></cpu>"),
    ),
    {
      status: 400,
      reason: "Invalid value",
      detail: "Value 2147483648 is greater than maximum integer 2147483647",
    },
  );
  assert.deepEqual(
    await post("vms", vm("low-cpu", "<cpu><topology><cores>-2147483649</cores></topology></cpu>")),
    {
      status: 400,
      reason: "Invalid value",
      detail: "Value -2147483649 is less than minimum integer -2147483648",
    },
  );
  assert.deepEqual(
    await post("vms", vm("huge", "<memory>9223372036854775808</memory>")),
    {
      status: 400,
      reason: "Invalid value",
      detail: "Value 9223372036854775808 is greater than maximum long 9223372036854775807",
    },
  );
  const vms = env.system.vmsService();
  assert.deepEqual(await vms.list({ search: "name=big-cpu or name=low-cpu or name=huge" }), []);
  // A ticket's expiry is an xs:unsignedInt: the engine's parser refuses it above 2^32-1 and
  // whatever is negative as a 32-bit value (it would keep -4294967295, whose low 32 bits are
  // 1: the simulator refuses that too).
  const [seeded] = await vms.list({ max: 1 });
  const ticket = (expiry: string) =>
    post(`vms/${seeded.id}/ticket`, `<action><ticket><expiry>${expiry}</expiry></ticket></action>`);
  assert.deepEqual(await ticket("4294967296"), {
    status: 400,
    reason: "Invalid value",
    detail: "Value 4294967296 is greater than maximum unsigned integer 4294967295",
  });
  for (const expiry of ["3000000000", "-1", "-4294967295"]) {
    assert.deepEqual(await ticket(expiry), {
      status: 400,
      reason: "Invalid value",
      detail: `Negative value ${expiry} not allowed for unsigned integers, valid values are ` +
        "between 0 and 4294967295",
    });
  }
  const base = { cluster: { name: "Default" }, template: { name: "Blank" } };
  const big = await vms.add({
    ...base,
    name: "big-memory",
    memory: 2 ** 40,
    memoryPolicy: { guaranteed: 2 ** 40, max: 2 ** 41 },
    cpu: { topology: { sockets: 2 ** 31 - 1 } },
  });
  assert.equal(big.memory, 2 ** 40);
  const disk = await env.system.disksService().add({
    name: "huge",
    format: types.DiskFormat.RAW,
    provisionedSize: 2 ** 45,
    storageDomains: [{ name: "data" }],
  });
  assert.equal(disk.provisionedSize, 2 ** 45);
});

Deno.test("simulator: a new disk needs a format, as the engine's DisksService.add says", async () => {
  await using env = await connect();
  const disks = env.system.disksService();
  await rejectsWith(
    disks.add({ name: "formless", provisionedSize: MIB, storageDomains: [{ name: "data" }] }),
    400,
    /^Disk \[format\|lun_storage\] required for add$/,
    "Incomplete parameters",
  );
  assert.deepEqual(await disks.list({ search: "name=formless" }), []);
  const [vm] = await env.system.vmsService().list({ search: "status=down", max: 1 });
  const attachments = env.system.vmsService().vmService(vm.id!).diskAttachmentsService();
  await rejectsWith(
    attachments.add({
      interface: types.DiskInterface.VIRTIO,
      disk: { name: "formless", provisionedSize: MIB, storageDomains: [{ name: "data" }] },
    }),
    400,
    /format/,
    "Incomplete parameters",
  );
});

Deno.test("simulator: snapshots are previewed, committed, undone and removed only in the right state", async () => {
  await using env = await connect(STEP);
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const service = vms.vmService(vm.id!);
  const snapshots = service.snapshotsService();
  const snapshot = await snapshots.add({ description: "before upgrade" });
  assert.equal(snapshot.snapshotStatus, types.SnapshotStatus.LOCKED);
  await rejectsWith(
    snapshots.snapshotService(snapshot.id!).remove(),
    409,
    /^\[Cannot remove Snapshot\. The VM is performing an operation on a Snapshot\./,
  );
  await waitFor(
    () => snapshots.snapshotService(snapshot.id!).get(),
    (s) => s.snapshotStatus === types.SnapshotStatus.OK,
    POLL,
  );
  await waitForStatus(service, types.VmStatus.DOWN, POLL);

  await rejectsWith(service.previewSnapshot({ snapshot: { id: "no-such-snapshot" } }), 404);
  await rejectsWith(service.previewSnapshot({}), 400, /snapshot\.id/, "Incomplete parameters");
  const nothing = /^\[Cannot revert to Snapshot\. VM's Snapshot does not exist\.\]$/;
  await rejectsWith(service.commitSnapshot(), 409, nothing);
  await rejectsWith(service.undoSnapshot(), 409, nothing);
  const live = await vms.vmService(running.id!).snapshotsService().add({ description: "live" });
  await waitFor(
    () => vms.vmService(running.id!).snapshotsService().snapshotService(live.id!).get(),
    (s) => s.snapshotStatus === types.SnapshotStatus.OK,
    POLL,
  );
  await waitForStatus(vms.vmService(running.id!), types.VmStatus.UP, POLL);
  await rejectsWith(
    vms.vmService(running.id!).previewSnapshot({ snapshot: { id: live.id } }),
    409,
    /^\[Cannot preview Snapshot\. At least one of the VMs is not down\.\]$/,
  );

  await service.previewSnapshot({ snapshot: { id: snapshot.id } });
  const previewed = snapshots.snapshotService(snapshot.id!);
  assert.equal((await previewed.get()).snapshotStatus, types.SnapshotStatus.IN_PREVIEW);
  await waitForStatus(service, types.VmStatus.DOWN, POLL); // its images locked meanwhile
  await rejectsWith(
    service.previewSnapshot({ snapshot: { id: snapshot.id } }),
    409,
    /VM is previewing a Snapshot/,
  );
  await rejectsWith(previewed.remove(), 409, /VM is previewing a Snapshot/);
  await service.undoSnapshot();
  assert.equal((await previewed.get()).snapshotStatus, types.SnapshotStatus.OK);
  await waitForStatus(service, types.VmStatus.DOWN, POLL);
  await previewed.remove();
});

Deno.test("simulator: a snapshot taken while the VM powers up lets it come up", async () => {
  await using env = await connect(STEP);
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const service = vms.vmService(vm.id!);
  await service.start();
  await waitForStatus(service, types.VmStatus.POWERING_UP, POLL);
  await rejectsWith(
    env.system.templatesService().add({ name: "of-starting", vm: { id: vm.id } }),
    409,
    /VM is locked or still running/,
  );
  await service.snapshotsService().add({ description: "while starting" });
  await waitForStatus(service, types.VmStatus.UP, POLL);
});

Deno.test("simulator: a VM migrates only to another host that is up", async () => {
  await using env = await connect(STEP);
  const vms = env.system.vmsService();
  const hosts = env.system.hostsService();
  const [vm] = await vms.list({ search: "status=up and host=host1", max: 1 });
  const service = vms.vmService(vm.id!);
  await rejectsWith(
    service.migrate({ host: { id: vm.host!.id } }),
    409,
    /^\[Cannot migrate VM\. source and destination is the same\.\]$/,
  );
  const [host2] = await hosts.list({ search: "name=host2" });
  await hosts.hostService(host2.id!).deactivate();
  await waitForStatus(hosts.hostService(host2.id!), types.HostStatus.MAINTENANCE, POLL);
  await rejectsWith(
    service.migrate({ host: { id: host2.id } }),
    409,
    /^\[Cannot migrate VM\. Operation can be performed only when Host status is Up\.\]$/,
  );
  assert.equal((await service.get()).host!.id, vm.host!.id);
});

Deno.test("simulator: image transfers pause, resume and finalize only in the right phase", async () => {
  await using env = await connect(STEP);
  const disks = env.system.disksService();
  const disk = await disks.add({
    name: "moving",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), "ok", POLL);
  const transfers = env.system.imageTransfersService();
  const created = await transfers.add({ disk: { id: disk.id } });
  const service = transfers.imageTransferService(created.id!);
  assert.equal(created.phase, types.ImageTransferPhase.INITIALIZING);
  await rejectsWith(service.finalize(), 409, /still initializing/);
  await rejectsWith(service.resume(), 409, /not paused/);
  await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
  await service.pause();
  await rejectsWith(service.pause(), 409, /Cannot pause Image Transfer/);
  await service.resume();
  await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
  await service.finalize();
  await waitFor(() => service.get(), (t) => t.phase === "finished_success", POLL);
  const ended = /has already ended/;
  await rejectsWith(service.pause(), 409, ended);
  await rejectsWith(service.resume(), 409, ended);
  await rejectsWith(service.finalize(), 409, ended);
  assert.equal((await service.get()).phase, types.ImageTransferPhase.FINISHED_SUCCESS);
});

Deno.test("simulator: only external jobs are ended by clients", async () => {
  await using env = await connect(1000);
  const jobs = env.system.jobsService();
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  await vms.vmService(vm.id!).start({ correlationId: "run-7" });
  const [engineJob] = await jobs.list({ search: "correlation_id=run-7" });
  assert.equal(engineJob.external, false);
  await rejectsWith(
    jobs.jobService(engineJob.id!).end({ succeeded: false }),
    409,
    /^\[Cannot end Job\. The Job is not external\.\]$/,
  );
  assert.equal((await jobs.jobService(engineJob.id!).get()).status, types.JobStatus.STARTED);
  const mine = await jobs.add({ description: "mine" });
  await jobs.jobService(mine.id!).end({ succeeded: true });
  assert.equal((await jobs.jobService(mine.id!).get()).status, types.JobStatus.FINISHED);
});

Deno.test("simulator: the All-Content header counts like all_content=true", async () => {
  await using env = await connect();
  const [vm] = await env.system.vmsService().list({ max: 1 });
  const service = env.system.vmsService().vmService(vm.id!);
  assert.equal((await service.get()).initialization?.configuration, undefined);
  const withHeader = await service.get({ headers: { "All-Content": "true" } });
  assert.equal(withHeader.initialization?.configuration?.type, types.ConfigurationType.OVF);
  const withQuery = await service.get({ allContent: true });
  assert.equal(withQuery.initialization?.configuration?.type, types.ConfigurationType.OVF);
});

/**
 * The simulator behaves as the engine does where scripts can tell: the guest agent's report
 * of a running VM, imageio tickets, failed uploads, the jobs of actions that take a while,
 * console tickets, affinity groups, and the engine's refusals and locks.
 */

import assert from "node:assert/strict";
import { type Connection, type OvirtError, types, waitFor, waitForJobs } from "../mod.ts";
import { rawDisk, rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

/** The first TypeScript block of the README section `section`. */
async function readmeBlock(section: string): Promise<string> {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const start = readme.indexOf(`## ${section}\n`);
  assert.ok(start >= 0, `README has a "${section}" section`);
  const code = readme.slice(start).match(/```ts\n([\s\S]*?)```/);
  assert.ok(code, `"${section}" has a TypeScript block`);
  return code[1];
}

Deno.test("simulator: a started VM's guest agent reports its OS, name, time zone and addresses", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  assert.equal(vm.status, types.VmStatus.DOWN);
  assert.equal(vm.guestOperatingSystem, undefined);
  assert.equal(vm.fqdn, undefined);
  const vmService = vms.vmService(vm.id!);
  await vmService.start();

  // The README's example, as written but for its times.
  const example = (await readmeBlock("Helpers"))
    .replace("interval: 5_000", "interval: 5")
    .replace("timeout: 600_000", "timeout: 5_000");
  assert.match(example, /guestOperatingSystem/);
  const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (
    ...values: unknown[]
  ) => Promise<types.Vm>;
  const run = new AsyncFunction("waitFor", "vmService", "types", `${example}\nreturn vm;`);
  const up = await run(waitFor, vmService, types);

  assert.equal(up.status, types.VmStatus.UP);
  assert.equal(up.fqdn, "vm003.example.com");
  const os = up.guestOperatingSystem!;
  assert.equal(os.family, "Linux");
  assert.equal(os.architecture, "x86_64");
  assert.equal(os.version?.major, 9);
  assert.equal(os.kernel?.version?.fullVersion?.startsWith(`${os.kernel.version.major}.`), true);
  assert.deepEqual(up.guestTimeZone, { name: "Etc/UTC", utcOffset: "+00:00" });
  const [nic] = await vmService.nicsService().list();
  const [device] = await vmService.reportedDevicesService().list();
  assert.equal(device.mac?.address, nic.mac?.address);
  assert.deepEqual(device.ips?.map((ip) => ip.version), ["v4", "v6"]);

  await vmService.stop();
  const down = await vmService.get();
  assert.equal(down.status, types.VmStatus.DOWN);
  assert.deepEqual([down.fqdn, down.guestOperatingSystem, down.guestTimeZone], [
    undefined,
    undefined,
    undefined,
  ]);
  assert.deepEqual(await vmService.reportedDevicesService().list(), []);
});

Deno.test("simulator: seeded running VMs have reported; a clone of one has not", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  assert.equal(vm.status, types.VmStatus.UP);
  assert.equal(vm.guestOperatingSystem?.family, "Linux");
  assert.equal(vm.fqdn, "vm001.example.com");
  await vms.vmService(vm.id!).clone({ vm: { name: "copy" } });
  const [copy] = await waitFor(
    () => vms.list({ search: "name=copy" }),
    ([found]) => found?.status === types.VmStatus.DOWN,
    POLL,
  );
  assert.deepEqual([copy.fqdn, copy.guestOperatingSystem], [undefined, undefined]);
});

Deno.test("simulator: a transfer's imageio ticket is a random id of its own, not the transfer's", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection, sim } = session;
  const disk = await rawDisk(connection, 1024 * 1024);
  const transfers = connection.systemService().imageTransfersService();
  const added = await transfers.add({ disk: { id: disk } });
  const transfer = await waitFor(
    () => transfers.imageTransferService(added.id!).get(),
    (t) => t.phase === types.ImageTransferPhase.TRANSFERRING,
    POLL,
  );
  const proxy = new URL(transfer.proxyUrl!);
  const daemon = new URL(transfer.transferUrl!);
  const ticket = proxy.pathname.slice("/images/".length);
  assert.match(ticket, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(ticket, transfer.id);
  assert.equal(daemon.pathname, proxy.pathname);
  assert.ok(!transfer.href!.includes(ticket));

  const byTicket = await fetch(proxy, { method: "OPTIONS" });
  await byTicket.body?.cancel();
  assert.equal(byTicket.status, 200);
  const byTransferId = await fetch(new URL(`/images/${transfer.id}`, sim.url), {
    method: "OPTIONS",
  });
  await byTransferId.body?.cancel();
  assert.equal(byTransferId.status, 403);
});

/** The distinct phases transfer `id` goes through until it has ended, polled every 5 ms. */
async function phasesOf(
  transfers: ReturnType<Connection["systemService"]>["imageTransfersService"] extends () => infer S
    ? S
    : never,
  id: string,
): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(() => transfers.imageTransferService(id).get(), (transfer) => {
    if (seen.at(-1) !== transfer.phase) seen.push(transfer.phase!);
    return transfer.phase === types.ImageTransferPhase.FINISHED_FAILURE;
  }, { interval: 5, timeout: 10_000 });
  return seen;
}

Deno.test("simulator: a cancelled upload leaves its disk illegal, a cancelled download's ok", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const transfers = connection.systemService().imageTransfersService();
  const disks = connection.systemService().disksService();
  const disk = await rawDisk(connection, 1024 * 1024);
  const upload = await transfers.add({ disk: { id: disk } });
  await waitFor(
    () => transfers.imageTransferService(upload.id!).get(),
    (t) => t.phase === types.ImageTransferPhase.TRANSFERRING,
    POLL,
  );
  await transfers.imageTransferService(upload.id!).cancel();
  await phasesOf(transfers, upload.id!);
  assert.equal((await disks.diskService(disk).get()).status, types.DiskStatus.ILLEGAL);

  // A download's disk is unlocked as it was.
  const source = await rawDisk(connection, 1024 * 1024);
  const download = await transfers.add({
    disk: { id: source },
    direction: types.ImageTransferDirection.DOWNLOAD,
  });
  await transfers.imageTransferService(download.id!).cancel();
  await phasesOf(transfers, download.id!);
  assert.equal((await disks.diskService(source).get()).status, types.DiskStatus.OK);
});

Deno.test("simulator: a user's cancel goes through finalizing_cleanup and finished_cleanup", async () => {
  // Lifecycle steps long enough that two of them (800 ms) are not missed by 5 ms polls.
  await using session = await simulatorSession({ delay: 400 });
  const { connection } = session;
  const transfers = connection.systemService().imageTransfersService();
  const disk = await rawDisk(connection, 1024 * 1024);
  const upload = await transfers.add({ disk: { id: disk } });
  await transfers.imageTransferService(upload.id!).cancel();
  const phases = await phasesOf(transfers, upload.id!);
  const expected = ["cancelled_user", "finalizing_cleanup", "finished_cleanup", "finished_failure"];
  assert.deepEqual(phases.filter((phase) => !expected.includes(phase)), [], phases.join());
  assert.deepEqual(phases, expected.filter((phase) => phases.includes(phase)), "in this order");
  assert.ok(
    phases.includes("finalizing_cleanup") || phases.includes("finished_cleanup"),
    phases.join(),
  );
});

Deno.test("simulator: the Run VM job ends when the VM is up, failed if it never came up", async () => {
  await using session = await simulatorSession({ delay: 400 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm003, vm006] = await vms.list({ search: "name=vm003 or name=vm006 sortby name" });
  const started = vms.vmService(vm003.id!);
  await started.start({ correlationId: "run-vm003" });
  const [job] = await waitForJobs(connection, "run-vm003", { interval: 5, timeout: 5000 });
  assert.equal(job.description, "Run VM vm003");
  assert.equal(job.status, types.JobStatus.FINISHED);
  assert.equal((await started.get()).status, types.VmStatus.UP);

  // Powered off while starting: the run failed (a lifecycle step is 400 ms, the VM needs two).
  const stopped = vms.vmService(vm006.id!);
  await stopped.start({ correlationId: "run-vm006" });
  await stopped.stop();
  await assert.rejects(
    waitForJobs(connection, "run-vm006", { interval: 5, timeout: 5000 }),
    (error: OvirtError) => /Run VM vm006.*failed/.test(error.message),
  );
});

Deno.test("simulator: a VM's ticket() sets the value and expiry asked for, else makes them", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  const service = vms.vmService(vm.id!);
  const asked = await service.ticket({ ticket: { value: "console-password", expiry: 60 } });
  assert.deepEqual(asked, { value: "console-password", expiry: 60 });
  const made = await service.ticket();
  assert.equal(made?.expiry, 7200);
  assert.ok(made?.value && made.value !== "console-password");
  // A VM that does not run has no console: the engine refuses its ticket.
  const [down] = await vms.list({ search: "status=down", max: 1 });
  await rejectsWith(
    vms.vmService(down.id!).ticket(),
    409,
    /^\[Cannot set Virtual Machine Ticket because the VM is in Down status\.\]$/,
  );
  const consoles = vms.vmService(down.id!).graphicsConsolesService();
  const [console] = await consoles.list();
  await rejectsWith(consoles.consoleService(console.id!).ticket(), 409, /Virtual Machine Ticket/);
});

Deno.test("simulator: an affinity group takes a VM by id only, and answers the <vm> as sent", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const groups = system.clustersService().clusterService(cluster.id!).affinityGroupsService();
  const group = await groups.add({ name: "together" });
  const members = groups.groupService(group.id!).vmsService();
  const [vm] = await system.vmsService().list({ search: "cluster=Default", max: 1 });
  const byName = await rejectsWith(members.add({ name: vm.name }), 400, /^Vm \[id\] required/);
  assert.equal(byName.fault?.reason, "Incomplete parameters");
  await rejectsWith(members.add({ id: "web01" }), 400, /^Invalid UUID string: web01$/);
  assert.deepEqual(await members.list(), []);

  const added = await members.add({ id: vm.id });
  assert.equal(added.id, vm.id);
  assert.equal(added.name, undefined, "the VM as sent, not as stored");
  assert.deepEqual((await members.list()).map((member) => member.id), [vm.id]);
});

Deno.test("simulator: a disk plugged into a running VM is not removed; unplugged, it is", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [vm] = await system.vmsService().list({ search: "name=vm001" });
  assert.equal(vm.status, types.VmStatus.UP);
  const attachments = system.vmsService().vmService(vm.id!).diskAttachmentsService();
  const [attachment] = await attachments.list();
  const refusal = /^\[Cannot remove Virtual Disk\. At least one of the VMs is not down\.\]$/;
  await rejectsWith(system.disksService().diskService(attachment.id!).remove(), 409, refusal);
  const service = attachments.attachmentService(attachment.id!);
  await rejectsWith(service.remove({ detachOnly: false }), 409, refusal);
  await service.update({ active: false });
  await system.disksService().diskService(attachment.id!).remove();
  assert.deepEqual(await attachments.list(), []);
});

Deno.test("simulator: the engine's refusals and wordings for VM and host actions", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const [up] = await vms.list({ search: "name=vm001" });
  const [down] = await vms.list({ search: "name=vm003" });
  await rejectsWith(
    vms.vmService(up.id!).cancelMigration(),
    409,
    /^\[Cannot cancel migration for non migrating VM\.\]$/,
  );
  await rejectsWith(
    vms.vmService(down.id!).suspend(),
    409,
    /^\[Cannot hibernate VM\. VM is not up\.\]$/,
  );
  await rejectsWith(
    vms.vmService(down.id!).reboot(),
    409,
    /^\[Cannot restart VM because the VM is in Down status\.\]$/,
  );
  const [host] = await system.hostsService().list({ search: "name=host1" });
  await rejectsWith(
    system.hostsService().hostService(host.id!).activate(),
    409,
    /^\[Cannot activate Host\. Host in Up status\.\]$/,
  );
});

Deno.test("simulator: a migration can be cancelled while it runs; the VM stays on its host", async () => {
  // Steps of 2 s: the migration is still running when the cancel comes.
  await using session = await simulatorSession({ delay: 2000 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  const service = vms.vmService(vm.id!);
  await service.migrate();
  assert.equal((await service.get()).status, types.VmStatus.MIGRATING);
  await service.cancelMigration();
  const after = await service.get();
  assert.equal(after.status, types.VmStatus.UP);
  assert.equal(after.host?.id, vm.host?.id);
});

Deno.test("simulator: a VM powering up can be rebooted", async () => {
  await using session = await simulatorSession({ delay: 1000 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  const service = vms.vmService(vm.id!);
  await service.start();
  await waitFor(() => service.get(), (v) => v.status === types.VmStatus.POWERING_UP, POLL);
  await service.reboot();
  assert.equal((await service.get()).status, types.VmStatus.REBOOT_IN_PROGRESS);
});

Deno.test("simulator: a disk copy locks its source until the copy is made", async () => {
  await using session = await simulatorSession({ delay: 1000 });
  const disks = session.connection.systemService().disksService();
  const [source] = await disks.list({ search: "name=vm003_disk1" });
  assert.equal(source.status, types.DiskStatus.OK);
  const service = disks.diskService(source.id!);
  await service.copy({ storageDomain: { name: "data" }, disk: { name: "copied" } });
  assert.equal((await service.get()).status, types.DiskStatus.LOCKED);
  await waitFor(() => service.get(), (disk) => disk.status === types.DiskStatus.OK, POLL);
  const [copy] = await disks.list({ search: "name=copied" });
  assert.equal(copy.status, types.DiskStatus.OK);
});

Deno.test("simulator: previewing and committing a snapshot lock the VM's images a moment", async () => {
  await using session = await simulatorSession({ delay: 500 });
  const vms = session.connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  const service = vms.vmService(vm.id!);
  const snapshots = service.snapshotsService();
  const snapshot = await snapshots.add({ description: "before" });
  const idle = { interval: 5, timeout: 10_000 };
  const taken = (s: types.Snapshot) => s.snapshotStatus === types.SnapshotStatus.OK;
  await waitFor(() => snapshots.snapshotService(snapshot.id!).get(), taken, idle);
  await service.previewSnapshot({ snapshot: { id: snapshot.id } });
  assert.equal((await service.get()).status, types.VmStatus.IMAGE_LOCKED);
  await rejectsWith(service.start(), 409, /VM is locked/);
  await waitFor(() => service.get(), (v) => v.status === types.VmStatus.DOWN, idle);
  await service.commitSnapshot();
  assert.equal((await service.get()).status, types.VmStatus.IMAGE_LOCKED);
  await waitFor(() => service.get(), (v) => v.status === types.VmStatus.DOWN, idle);
  const states = (await snapshots.list()).map((s) => s.snapshotStatus);
  assert.ok(states.every((state) => state === types.SnapshotStatus.OK), states.join());
});

Deno.test("simulator: a VM pinned to its host is not migrated, nor its host put in maintenance", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  const service = vms.vmService(vm.id!);
  await service.update({ placementPolicy: { affinity: types.VmAffinity.PINNED } });
  await rejectsWith(service.migrate(), 409, /^\[Cannot migrate VM\. VM is pinned to Host\.\]$/);
  const host = await session.connection.followLink(vm.host!);
  await rejectsWith(
    system.hostsService().hostService(host.id!).deactivate(),
    409,
    new RegExp(
      `^\\[Cannot switch the following Hosts to Maintenance mode: ${host.name}\\.\\n` +
        `One or more running VMs are indicated as non-migratable\\. ` +
        `The non-migratable VMs are: vm001\\.\\]$`,
    ),
  );
  assert.equal((await system.hostsService().hostService(host.id!).get()).status, "up");

  await service.update({ placementPolicy: { affinity: types.VmAffinity.USER_MIGRATABLE } });
  await rejectsWith(service.migrate(), 409, /did not specify the force-migration flag/);
  await service.migrate({ force: true });
  const moved = await waitFor(() => service.get(), (v) => v.status === types.VmStatus.UP, POLL);
  assert.notEqual(moved.host?.id, host.id);
});

Deno.test("simulator: a host stays preparing_for_maintenance until no VM is left on it", async () => {
  await using session = await simulatorSession({ delay: 300 });
  const system = session.connection.systemService();
  const hosts = system.hostsService();
  const vms = system.vmsService();
  const [one, other] = await hosts.list({ search: "cluster=Default sortby name" });
  const [vm] = await vms.list({ search: `host=${one.name}`, max: 1 });
  // A VM on its way to the host when the host is deactivated arrives, and leaves again.
  await vms.vmService(vm.id!).migrate({ host: { id: other.id } });
  const leaving = hosts.hostService(other.id!);
  await leaving.deactivate();
  assert.equal((await leaving.get()).status, types.HostStatus.PREPARING_FOR_MAINTENANCE);
  await waitFor(() => leaving.get(), (h) => h.status === types.HostStatus.MAINTENANCE, POLL);
  assert.deepEqual(await vms.list({ search: `host=${other.name}` }), []);
  const after = await vms.vmService(vm.id!).get();
  assert.equal(after.host?.id, one.id);

  // A host being installed is not put in maintenance.
  const added = await hosts.add({
    name: "host9",
    address: "host9.example.com",
    cluster: one.cluster,
  });
  await rejectsWith(
    hosts.hostService(added.id!).deactivate(),
    409,
    /^\[Cannot switch Host to Maintenance mode, Host is not operational\.\]$/,
  );
});

Deno.test("simulator: no stop while a VM saves its state; no pause of a download", async () => {
  await using session = await simulatorSession({ delay: 1000 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  const service = vms.vmService(vm.id!);
  await service.suspend();
  assert.equal((await service.get()).status, types.VmStatus.SAVING_STATE);
  await rejectsWith(
    service.stop(),
    409,
    /^\[Cannot stop VM\. VM is in saving\/restoring state\.\n-Please try again when the VM is either up or down\.\]$/,
  );

  const [disk] = await connection.systemService().disksService().list({
    search: "name=vm003_disk1",
  });
  const transfers = connection.systemService().imageTransfersService();
  const download = await transfers.add({
    disk: { id: disk.id },
    direction: types.ImageTransferDirection.DOWNLOAD,
  });
  const transfer = transfers.imageTransferService(download.id!);
  await waitFor(() => transfer.get(), (t) => t.phase === "transferring", POLL);
  await rejectsWith(
    transfer.pause(),
    409,
    /^\[Cannot pause image download as it's handled by the client\./,
  );
});

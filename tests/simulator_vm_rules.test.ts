/**
 * The simulator's VM and template rules, as the engine's: a change a running VM cannot take
 * waits for the next run, a snapshot is removed by a merge that takes a step, MAC addresses
 * and plugged NICs, the names the engine takes, and when a VM or template may be removed.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 2 ** 20;
const POLL = { interval: 5, timeout: 5000 };
const BLANK = { cluster: { name: "Default" }, template: { name: "Blank" } };

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `no VM ${name}`);
  return vm;
}

Deno.test("simulator: cores changed on a running VM without next_run wait for the next run", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const running = await vmNamed(session.connection, "vm001");
  assert.equal(running.status, types.VmStatus.UP);
  const vm = session.connection.systemService().vmsService().vmService(running.id!);
  const answered = await vm.update({
    cpu: { topology: { cores: 2, sockets: 4 } },
    description: "resized",
  });
  // Sockets and the description are set while it runs; the cores only at the next run.
  assert.deepEqual(answered.cpu?.topology, { sockets: 4, cores: 1, threads: 1 });
  const now = await vm.get();
  assert.equal(now.nextRunConfigurationExists, true);
  assert.deepEqual(now.cpu?.topology, { sockets: 4, cores: 1, threads: 1 });
  assert.equal(now.description, "resized");
  assert.deepEqual((await vm.get({ nextRun: true })).cpu?.topology, {
    sockets: 4,
    cores: 2,
    threads: 1,
  });
  await vm.stop();
  const stopped = await waitForStatus(vm, types.VmStatus.DOWN, POLL);
  assert.deepEqual(stopped.cpu?.topology, { sockets: 4, cores: 2, threads: 1 });
  assert.equal(stopped.nextRunConfigurationExists, false);
});

Deno.test("simulator: memory of a running VM grows at once, in 256 MiB steps without a next run", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const running = await vmNamed(session.connection, "vm002");
  const vm = session.connection.systemService().vmsService().vmService(running.id!);
  const memory = Number(running.memory);
  await vm.update({ memory: memory + 512 * MIB, name: "vm002-renamed" });
  const plugged = await vm.get();
  assert.equal(Number(plugged.memory), memory + 512 * MIB);
  assert.equal(plugged.name, "vm002-renamed");
  assert.equal(plugged.nextRunConfigurationExists, false, "nothing waits");
  // Not a 256 MiB step: shown at once as on the engine, but plugged only at the next run.
  await vm.update({ memory: memory + 600 * MIB });
  const odd = await vm.get();
  assert.equal(Number(odd.memory), memory + 600 * MIB);
  assert.equal(odd.nextRunConfigurationExists, true);
  assert.equal(Number((await vm.get({ nextRun: true })).memory), memory + 600 * MIB);
  // Less memory waits for the next run.
  await vm.update({ memory: memory + 344 * MIB });
  assert.equal(Number((await vm.get()).memory), memory + 600 * MIB);
  assert.equal(Number((await vm.get({ nextRun: true })).memory), memory + 344 * MIB);
  // Maximum memory is never set on a running VM.
  await vm.update({ memoryPolicy: { max: 16 * 1024 * MIB } });
  assert.equal(Number((await vm.get()).memoryPolicy?.max), Number(running.memoryPolicy?.max));
  await vm.reboot();
  const rebooted = await waitFor(
    () => vm.get(),
    (seen) => seen.status === types.VmStatus.UP && seen.nextRunConfigurationExists === false,
    POLL,
  );
  assert.equal(Number(rebooted.memory), memory + 344 * MIB);
  assert.equal(Number(rebooted.memoryPolicy?.max), 16 * 1024 * MIB);
});

Deno.test("simulator: removing a snapshot locks it and its VM's disks for a step, not the VM", async () => {
  await using session = await simulatorSession({ delay: 300 });
  const down = await vmNamed(session.connection, "vm003");
  const vm = session.connection.systemService().vmsService().vmService(down.id!);
  const snapshots = vm.snapshotsService();
  const first = await snapshots.add({ description: "s1" });
  await waitFor(
    () => snapshots.snapshotService(first.id!).get(),
    (s) => s.snapshotStatus === "ok",
    POLL,
  );
  const second = await snapshots.add({ description: "s2" });
  await waitFor(
    () => snapshots.snapshotService(second.id!).get(),
    (s) => s.snapshotStatus === "ok",
    POLL,
  );
  await waitForStatus(vm, types.VmStatus.DOWN, POLL);
  await snapshots.snapshotService(first.id!).remove();
  const merging = await snapshots.snapshotService(first.id!).get();
  assert.equal(merging.snapshotStatus, types.SnapshotStatus.LOCKED);
  assert.equal((await vm.get()).status, types.VmStatus.DOWN, "the VM keeps its status");
  const [attachment] = await vm.diskAttachmentsService().list({ follow: "disk" });
  assert.equal(attachment.disk?.status, types.DiskStatus.LOCKED);
  await rejectsWith(vm.start(), 409, /^\[Cannot run VM\. The VM is performing an operation/);
  await rejectsWith(
    snapshots.snapshotService(second.id!).remove(),
    409,
    /^\[Cannot remove Snapshot\. The VM is performing an operation on a Snapshot\./,
  );
  await waitFor(
    () => snapshots.list(),
    (list) => !list.some((snapshot) => snapshot.id === first.id),
    POLL,
  );
  assert.equal((await waitForStatus(vm, types.VmStatus.DOWN, POLL)).status, types.VmStatus.DOWN);
  await snapshots.snapshotService(second.id!).remove();
});

Deno.test("simulator: a MAC address another VM has is refused, unless the pool allows it", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const owner = await vmNamed(connection, "vm001");
  const [taken] = await vms.vmService(owner.id!).nicsService().list();
  const other = vms.vmService((await vmNamed(connection, "vm003")).id!).nicsService();
  await rejectsWith(
    other.add({ name: "copy", mac: { address: taken.mac!.address! } }),
    409,
    new RegExp(
      `^\\[MAC Address ${taken.mac!.address} is already in use by VM or snapshot: vm001\\.\\]$`,
    ),
  );
  const [mine] = await other.list();
  await rejectsWith(
    other.nicService(mine.id!).update({ mac: { address: taken.mac!.address!.toUpperCase() } }),
    409,
    /already in use by VM or snapshot: vm001/,
  );
  const pools = connection.systemService().macPoolsService();
  const [pool] = await pools.list();
  await pools.macPoolService(pool.id!).update({ allowDuplicates: true });
  const copy = await other.add({ name: "copy", mac: { address: taken.mac!.address! } });
  assert.equal(copy.mac?.address, taken.mac?.address);
});

Deno.test("simulator: a plugged NIC of a VM that is up keeps its type and MAC address", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const running = await vmNamed(session.connection, "vm001");
  const nics = session.connection.systemService().vmsService().vmService(running.id!)
    .nicsService();
  const [plugged] = await nics.list();
  assert.equal(plugged.plugged, true);
  const nic = nics.nicService(plugged.id!);
  const hot =
    /^\[Cannot edit Interface\. Updating some of the properties is not supported while the interface is plugged into a running virtual machine\./;
  await rejectsWith(nic.update({ interface: types.NicInterface.E1000 }), 409, hot);
  await rejectsWith(nic.update({ mac: { address: "56:6f:00:00:00:01" } }), 409, hot);
  assert.equal((await nic.update({ linked: false })).linked, false, "other members change");
  // Unplugged in the same update, it may change.
  const unplugged = await nic.update({ interface: types.NicInterface.E1000, plugged: false });
  assert.equal(unplugged.interface, types.NicInterface.E1000);
});

Deno.test("simulator: VM and template names are the engine's", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const special =
    /^\[Can not (add|edit) (VM|Template)\. The given name contains special characters\. Only lower-case and upper-case letters, numbers, '_', '-', '\.' are allowed\.\]$/;
  for (const name of ["web 1", "db/prod", "a:b"]) {
    await rejectsWith(vms.add({ name, ...BLANK }), 400, special);
  }
  await rejectsWith(
    vms.add({ name: "x".repeat(65), ...BLANK }),
    400,
    /^\[Cannot add VM\. The given name is too long\.\]$/,
  );
  const longest = await vms.add({ name: "x".repeat(64), ...BLANK });
  const accented = await vms.add({ name: "Überwachung_1.web-2", ...BLANK });
  assert.equal(accented.name, "Überwachung_1.web-2");
  await rejectsWith(vms.vmService(longest.id!).update({ name: "web 1" }), 400, special);
  const templates = system.templatesService();
  const vm003 = await vmNamed(session.connection, "vm003");
  await rejectsWith(templates.add({ name: "gold image", vm: { id: vm003.id } }), 400, special);
  const [blank] = await templates.list({ search: "name=Blank" });
  await rejectsWith(
    templates.templateService(blank.id!).update({ name: "gold image" }),
    400,
    special,
  );
});

Deno.test("simulator: a VM is removed only when down and not delete-protected; force does not stop it", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const running = vms.vmService((await vmNamed(session.connection, "vm001")).id!);
  await rejectsWith(
    running.remove({ force: true }),
    409,
    /^\[Cannot remove VM\. VM is running\.\]$/,
  );
  const suspended = vms.vmService((await vmNamed(session.connection, "vm002")).id!);
  await suspended.suspend();
  await waitForStatus(suspended, types.VmStatus.SUSPENDED, POLL);
  await rejectsWith(
    suspended.remove(),
    409,
    /^\[Cannot remove VM that its state is not down\.\n-Please stop the VM first\.\]$/,
  );
  const added = await vms.add({ name: "protected", deleteProtected: true, ...BLANK });
  const protectedVm = vms.vmService(added.id!);
  await rejectsWith(
    protectedVm.remove({ force: true }),
    409,
    /^\[Cannot remove VM\. Delete protection is enabled\. In order to delete, disable Delete protection first\.\]$/,
  );
  await protectedVm.update({ deleteProtected: false });
  await protectedVm.remove({ detachOnly: true });
  const down = vms.vmService((await vmNamed(session.connection, "vm003")).id!);
  await rejectsWith(
    down.remove({ detachOnly: true }),
    409,
    /^\[Cannot remove VM with detaching disks, VM is based from template\.\]$/,
  );
});

Deno.test("simulator: force removes a VM whose images are locked; a protected template stays", async () => {
  await using session = await simulatorSession({ delay: 300 });
  const system = session.connection.systemService();
  const vm003 = await vmNamed(session.connection, "vm003");
  const templates = system.templatesService();
  const added = await templates.add({
    name: "protected-tpl",
    vm: { id: vm003.id },
    deleteProtected: true,
  });
  const vm = system.vmsService().vmService(vm003.id!);
  assert.equal((await vm.get()).status, types.VmStatus.IMAGE_LOCKED);
  await rejectsWith(vm.remove(), 409, /^\[Cannot remove VM: VM is locked\./);
  await vm.remove({ force: true });
  const template = templates.templateService(added.id!);
  await waitForStatus(template, types.TemplateStatus.OK, POLL);
  await rejectsWith(
    template.remove(),
    409,
    /^\[Cannot remove Template\. Delete protection is enabled\. In order to delete, disable Delete protection first\.\]$/,
  );
  await template.update({ deleteProtected: false });
  await template.remove();
});

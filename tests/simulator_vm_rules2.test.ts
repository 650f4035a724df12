/**
 * More of the simulator's VM, template, host network and permission rules, as the engine's:
 * a running VM stays in its cluster, memory within its maximum and above its guaranteed
 * memory, a snapshot locks its images and not its VM, a VM from a template takes the
 * request's disk choices, the built-in instance types, the management network and networks
 * running VMs use stay on their host, and the last SuperUser permission stays.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const POLL = { interval: 5, timeout: 5000 };

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `no VM ${name}`);
  return vm;
}

Deno.test("simulator: a running VM is not moved to another cluster; a VM that is down is", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [production] = await system.clustersService().list({ search: "name=Production" });
  const running = await vmNamed(session.connection, "vm001");
  assert.equal(running.status, types.VmStatus.UP);
  const vm = system.vmsService().vmService(running.id!);
  await rejectsWith(
    vm.update({ cluster: { name: "Production" } }),
    409,
    /^\[Cannot update a VM in this status\. Try stopping the VM first\.\]$/,
  );
  const after = await vm.get();
  assert.equal(after.cluster?.id, running.cluster?.id);
  assert.equal(after.nextRunConfigurationExists, false, "no next-run configuration either");
  const down = await vmNamed(session.connection, "vm003");
  const moved = await system.vmsService().vmService(down.id!).update({
    cluster: { id: production.id },
  });
  assert.equal(moved.cluster?.id, production.id);
});

Deno.test("simulator: memory stays within the VM's maximum and above its guaranteed memory", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const stored = await vmNamed(session.connection, "vm003");
  assert.equal(stored.memoryPolicy?.max, 8 * GIB);
  assert.equal(stored.memoryPolicy?.guaranteed, 2 * GIB);
  const vm = vms.vmService(stored.id!);
  await rejectsWith(
    vm.update({ memory: 16 * GIB }),
    409,
    /^\[Cannot edit VM\. Memory size \(16384MB\) cannot exceed maximum memory size \(8192MB\)\.\]$/,
  );
  await rejectsWith(
    vm.update({ memory: GIB }),
    400,
    /^\[Cannot edit VM\. Physical Memory Guaranteed cannot exceed Memory Size\.\]$/,
  );
  assert.equal((await vm.get()).memory, 2 * GIB, "nothing stored");
  const raised = await vm.update({ memory: 16 * GIB, memoryPolicy: { max: 16 * GIB } });
  assert.equal(raised.memory, 16 * GIB);
  await rejectsWith(
    vms.add({
      name: "too-big",
      cluster: { name: "Default" },
      template: { name: "Blank" },
      memory: 8 * GIB,
      memoryPolicy: { max: 4 * GIB },
    }),
    409,
    /Memory size \(8192MB\) cannot exceed maximum memory size \(4096MB\)/,
  );
  // Memory without a maximum: the REST layer's defaults, not the template's maximum (4 GiB).
  const big = await vms.add({
    name: "big",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    memory: 8 * GIB,
  });
  assert.deepEqual([big.memoryPolicy?.max, big.memoryPolicy?.guaranteed], [32 * GIB, 8 * GIB]);
});

Deno.test("simulator: memory hot plugged into a running VM stays within the maximum it runs with", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const running = await vmNamed(session.connection, "vm001");
  assert.equal(running.memoryPolicy?.max, 8 * GIB);
  const vm = session.connection.systemService().vmsService().vmService(running.id!);
  await rejectsWith(
    vm.update({ memory: 9 * GIB, memoryPolicy: { max: 16 * GIB } }),
    409,
    /Memory size \(9216MB\) cannot exceed maximum memory size \(8192MB\)/,
  );
  // For the next run only, the new maximum counts.
  const next = await vm.update({ memory: 9 * GIB, memoryPolicy: { max: 16 * GIB } }, {
    nextRun: true,
  });
  assert.equal(next.memory, 9 * GIB);
  assert.equal((await vm.get()).memory, running.memory);
});

Deno.test("simulator: a VM keeps its status while a snapshot is taken; its disks are locked", async () => {
  await using session = await simulatorSession({ delay: 300 });
  const system = session.connection.systemService();
  for (const [name, status] of [["vm001", types.VmStatus.UP], ["vm003", types.VmStatus.DOWN]]) {
    const found = await vmNamed(session.connection, name);
    assert.equal(found.status, status);
    const vm = system.vmsService().vmService(found.id!);
    const snapshot = await vm.snapshotsService().add({ description: "during" });
    assert.equal(snapshot.snapshotStatus, types.SnapshotStatus.LOCKED);
    assert.equal((await vm.get()).status, status, `${name} keeps its status`);
    const [attachment] = await vm.diskAttachmentsService().list({ follow: "disk" });
    assert.equal(attachment.disk?.status, types.DiskStatus.LOCKED);
    const refusal =
      /^\[Cannot (run VM|create Snapshot)\. The VM is performing an operation on a Snapshot\./;
    if (status === types.VmStatus.DOWN) await rejectsWith(vm.start(), 409, refusal);
    await rejectsWith(vm.snapshotsService().add({ description: "again" }), 409, refusal);
    await waitFor(
      () => vm.snapshotsService().snapshotService(snapshot.id!).get(),
      (s) => s.snapshotStatus === types.SnapshotStatus.OK,
      POLL,
    );
    const disk = system.disksService().diskService(attachment.id!);
    assert.equal((await disk.get()).status, types.DiskStatus.OK);
    assert.equal((await vm.get()).status, status);
  }
});

Deno.test("simulator: a VM from a template takes the request's disk choices; a disk the template lacks is a 404", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const [template] = await system.templatesService().list({ search: "name=centos9" });
  const templateService = system.templatesService().templateService(template.id!);
  const [templateDisk] = await templateService.diskAttachmentsService().list();
  const added = await vms.add({
    name: "chosen",
    cluster: { name: "Default" },
    template: { id: template.id },
    diskAttachments: [{
      disk: {
        id: templateDisk.id,
        alias: "chosen_os",
        format: types.DiskFormat.RAW,
        sparse: false,
      },
    }],
  }, { clone: true });
  const vm = vms.vmService(added.id!);
  await waitForStatus(vm, types.VmStatus.DOWN, POLL);
  const [attachment] = await vm.diskAttachmentsService().list({ follow: "disk" });
  assert.deepEqual(
    [attachment.disk?.alias, attachment.disk?.format, attachment.disk?.sparse],
    ["chosen_os", types.DiskFormat.RAW, false],
  );
  assert.notEqual(attachment.id, templateDisk.id);
  await rejectsWith(
    vms.add({
      name: "bad-disk",
      cluster: { name: "Default" },
      template: { id: template.id },
      diskAttachments: [{ disk: { id: "11111111-2222-3333-4444-555555555555" } }],
    }),
    404,
  );
  assert.equal((await vms.list({ search: "name=bad-disk" })).length, 0, "no VM made");
});

Deno.test("simulator: a fresh engine has the built-in instance types, and a VM takes its size from one", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const system = session.connection.systemService();
  const instanceTypes = await system.instanceTypesService().list();
  const sizes = instanceTypes.map((type) =>
    `${type.name} ${Number(type.memory) / MIB} MiB ${type.cpu?.topology?.sockets} CPUs`
  );
  assert.deepEqual(sizes, [
    "Large 8192 MiB 2 CPUs",
    "Medium 4096 MiB 2 CPUs",
    "Small 2048 MiB 1 CPUs",
    "Tiny 512 MiB 1 CPUs",
    "XLarge 16384 MiB 4 CPUs",
  ]);
  const vm = await system.vmsService().add({
    name: "sized",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    instanceType: { name: "Medium" },
  });
  assert.equal(vm.memory, 4 * GIB);
  assert.equal(vm.cpu?.topology?.sockets, 2);
  assert.equal(vm.instanceType?.id, "00000007-0007-0007-0007-00000000010a");
});

Deno.test("simulator: setupnetworks keeps the management network and networks running VMs use", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vm = await vmNamed(session.connection, "vm001");
  const hostService = system.hostsService().hostService(vm.host!.id!);
  const attachments = hostService.networkAttachmentsService();
  const [management] = await attachments.list();
  await rejectsWith(
    hostService.setupNetworks({ removedNetworkAttachments: [{ id: management.id }] }),
    400,
    /^\[The Management Network \('ovirtmgmt'\) is mandatory and cannot be removed\.\]$/,
  );
  await rejectsWith(
    hostService.setupNetworks({
      removedNetworkAttachments: [{ id: "11111111-2222-3333-4444-555555555555" }],
    }),
    400,
    /Cannot remove following Network Attachments, because they do not exist: \t11111111-/,
  );
  await hostService.setupNetworks({
    modifiedNetworkAttachments: [{ network: { name: "vmnet" }, hostNic: { name: "eth1" } }],
  });
  const vmnet = (await attachments.list()).find((a) => a.id !== management.id)!;
  const vmnetProfile = (await system.vnicProfilesService().list({ follow: "network" }))
    .find((p) => p.network?.name === "vmnet");
  assert.ok(vmnetProfile, "vmnet's vNIC profile");
  await system.vmsService().vmService(vm.id!).nicsService().add({
    name: "nic-vmnet",
    vnicProfile: { id: vmnetProfile.id },
  });
  await rejectsWith(
    hostService.setupNetworks({ removedNetworkAttachments: [{ id: vmnet.id }] }),
    409,
    /^\[Cannot setup Networks\. The following Logical Network: ' vmnet' is being used by the following VM\(s\): ' vm001' \. Please stop the VM\(s\) and try again\.\]$/,
  );
  assert.equal((await attachments.list()).length, 2, "nothing removed");
});

Deno.test("simulator: the last SuperUser permission is not removed", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const permissions = system.permissionsService();
  const [superUser] = await permissions.list();
  assert.ok(superUser, "the admin's system permission");
  const only = permissions.permissionService(superUser.id!);
  await rejectsWith(
    only.remove(),
    409,
    /^\[Cannot remove Permission\. The system must have at least one Super User Role defined\.\]$/,
  );
  const [user] = await system.usersService().list();
  const [vm] = await system.vmsService().list({ max: 1 });
  const second = await system.vmsService().vmService(vm.id!).permissionsService().add({
    role: { id: superUser.role!.id },
    user: { id: user.id },
  });
  await only.remove();
  const left = system.vmsService().vmService(vm.id!).permissionsService()
    .permissionService(second.id!);
  await rejectsWith(left.remove(), 409, /at least one Super User Role/);
});

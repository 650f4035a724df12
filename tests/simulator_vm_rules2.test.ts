/**
 * More of the simulator's VM, template, host network and permission rules, as the engine's:
 * a running VM stays in its cluster, memory within its maximum and above its guaranteed
 * memory, a snapshot locks its images and not its VM, a VM from a template takes the
 * request's disk choices, the built-in instance types, the management network and networks
 * running VMs use stay on their host, and the last SuperUser permission stays.
 */

import assert from "node:assert/strict";
import type { Connection, types } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 2 ** 20;

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `no VM ${name}`);
  return vm;
}

Deno.test("simulator: a fresh engine has the built-in instance types", async () => {
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

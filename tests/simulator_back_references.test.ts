/**
 * Objects added below another refer back to it, as the engine shows them: an affinity
 * group to its cluster, a quota to its data center, a permission to its VM; an affinity
 * group takes only VMs of its own cluster.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: affinity groups, quotas and permissions refer to their owner", async () => {
  await using env = await connect();
  const [cluster] = await env.system.clustersService().list({ search: "name=Default" });
  const groups = env.system.clustersService().clusterService(cluster.id!).affinityGroupsService();
  const group = await groups.add({ name: "ag1" });
  assert.equal(group.cluster?.id, cluster.id);
  assert.equal((await groups.groupService(group.id!).get()).cluster?.id, cluster.id);
  const [dc] = await env.system.dataCentersService().list({ search: "name=Default" });
  const quotas = env.system.dataCentersService().dataCenterService(dc.id!).quotasService();
  const quota = await quotas.add({ name: "gold" });
  assert.equal((await quotas.quotaService(quota.id!).get()).dataCenter?.id, dc.id);
  const [vm] = await env.system.vmsService().list({ max: 1 });
  const [user] = await env.system.usersService().list();
  const permissions = env.system.vmsService().vmService(vm.id!).permissionsService();
  const permission = await permissions.add({ role: { name: "UserRole" }, user: { id: user.id } });
  assert.equal(permission.vm?.id, vm.id);
  assert.equal((await permissions.permissionService(permission.id!).get()).vm?.id, vm.id);
});

Deno.test("simulator: an affinity group refuses a VM of another cluster", async () => {
  await using env = await connect();
  const [cluster] = await env.system.clustersService().list({ search: "name=Default" });
  const groups = env.system.clustersService().clusterService(cluster.id!).affinityGroupsService();
  const group = await groups.add({ name: "ag1" });
  const members = groups.groupService(group.id!).vmsService();
  const [other] = await env.system.vmsService().list({ search: "cluster!=Default", max: 1 });
  await rejectsWith(
    members.add({ id: other.id }),
    400,
    /^\[Cannot update Affinity Group\. Provided VM resides in another Cluster\.\]$/,
  );
  assert.deepEqual(await members.list(), []);
  const [own] = await env.system.vmsService().list({ search: "cluster=Default", max: 1 });
  await members.add({ id: own.id });
  assert.deepEqual((await members.list()).map((vm) => vm.id), [own.id]);
});

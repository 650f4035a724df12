/**
 * Permissions as the engine keeps them: one needs a role and, on an object, a user or
 * group; giving the same role to the same user on the same object again answers the
 * permission already given; a user's permissions are those given to it on every object
 * (and one added there shows on the object); built-in roles are read only and the
 * signed-in user cannot be removed.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [admin] = await system.usersService().list({ search: "usrname=admin@internal-authz" });
  const [vm] = await system.vmsService().list({ max: 1 });
  return { ...session, system, admin, vm };
}

Deno.test("simulator: a permission needs a user or group and a role", async () => {
  await using env = await connect();
  const permissions = env.system.vmsService().vmService(env.vm.id!).permissionsService();
  await rejectsWith(
    permissions.add({ role: { name: "UserRole" } }),
    400,
    /^Permission \[user\|group\.id\] required for add$/,
  );
  await rejectsWith(permissions.add({ user: { id: env.admin.id } }), 400, /role/);
  assert.deepEqual(await permissions.list(), []);
});

Deno.test("simulator: the same permission given again is the one already given", async () => {
  await using env = await connect();
  const permissions = env.system.vmsService().vmService(env.vm.id!).permissionsService();
  const given = { role: { name: "UserRole" }, user: { id: env.admin.id } };
  const first = await permissions.add(given);
  const again = await permissions.add(given);
  assert.equal(again.id, first.id);
  assert.deepEqual((await permissions.list()).map((permission) => permission.id), [first.id]);
});

Deno.test("simulator: a user's permissions are those given to it on every object", async () => {
  await using env = await connect();
  const vmPermissions = env.system.vmsService().vmService(env.vm.id!).permissionsService();
  const onVm = await vmPermissions.add({ role: { name: "UserRole" }, user: { id: env.admin.id } });
  const mine = env.system.usersService().userService(env.admin.id!).permissionsService();
  const listed = await mine.list();
  assert.deepEqual(
    listed.map((permission) => permission.id).sort(),
    [
      onVm.id,
      (await env.system.permissionsService().list())[0].id,
    ].sort(),
  );
  assert.equal((await mine.permissionService(onVm.id!).get()).vm?.id, env.vm.id);
  const [cluster] = await env.system.clustersService().list({ search: "name=Production" });
  const added = await mine.add({ role: { name: "ClusterAdmin" }, cluster: { id: cluster.id } });
  const onCluster = await env.system.clustersService().clusterService(cluster.id!)
    .permissionsService().list();
  assert.deepEqual(onCluster.map((permission) => [permission.id, permission.user?.id]), [
    [added.id, env.admin.id],
  ]);
  await rejectsWith(mine.add({ role: { name: "UserRole" } }), 400, /required for add/);
  await mine.permissionService(onVm.id!).remove();
  assert.deepEqual(await vmPermissions.list(), []);
});

Deno.test("simulator: built-in roles are read only; the signed-in user stays", async () => {
  await using env = await connect();
  const roles = env.system.rolesService();
  const builtIn = (await roles.list()).find((role) => role.name === "UserRole")!;
  const role = roles.roleService(builtIn.id!);
  await rejectsWith(
    role.update({ description: "x" }),
    409,
    /^\[Cannot update Role\. The Role is Read-Only\.\]$/,
  );
  await rejectsWith(role.remove(), 409, /^\[Cannot remove Role\. The Role is Read-Only\.\]$/);
  assert.equal((await role.get()).description, builtIn.description);
  const own = await roles.add({ name: "own", permits: [{ id: "1300" }] }); // login; by id only
  await roles.roleService(own.id!).update({ description: "mine" });
  await roles.roleService(own.id!).remove();
  await rejectsWith(
    env.system.usersService().userService(env.admin.id!).remove(),
    409,
    /^\[Cannot remove User\. User is currently logged in\.\]$/,
  );
});

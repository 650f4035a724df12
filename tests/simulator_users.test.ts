/**
 * Users as the engine names them: `login@directory` (`admin@internal-authz`), while one
 * signs in as `login@profile` (`admin@internal`). The users' `usrname` search compares a
 * value with `@` as login and directory apart, one without as the login alone; an event's
 * `usrname` is its user's whole name. The signed-in user is still found for what the
 * engine does with it (API root, job owner, pool VMs, not removed).
 */

import assert from "node:assert/strict";
import { Connection, types } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [admin] = await system.usersService().list({ search: "name=admin" });
  return { ...session, system, admin };
}

Deno.test("simulator: the admin is admin@internal-authz, signed in as admin@internal", async () => {
  await using env = await connect();
  assert.equal(env.sim.username, "admin@internal");
  assert.equal(env.admin.userName, "admin@internal-authz");
  assert.equal(env.admin.principal, "admin");
  assert.equal((await env.connection.followLink(env.admin.domain!)).name, "internal-authz");
  const api = await env.system.get();
  assert.equal(api.authenticatedUser?.id, env.admin.id);
  assert.equal(api.effectiveUser?.id, env.admin.id);
});

Deno.test("simulator: usrname of users is login@directory or the login alone", async () => {
  await using env = await connect();
  const users = env.system.usersService();
  const ids = async (search: string) => (await users.list({ search })).map((user) => user.id);
  for (const search of ["usrname=admin@internal-authz", "usrname=admin", "usrname=ad*@*-authz"]) {
    assert.deepEqual(await ids(search), [env.admin.id], search);
  }
  for (
    const search of [
      "usrname=admin@internal",
      "usrname=internal-authz",
      "usrname!=admin@internal-authz",
      "login=admin@internal-authz",
    ]
  ) {
    assert.deepEqual(await ids(search), [], search);
  }
  assert.deepEqual(await ids("login=admin and directory=internal-authz"), [env.admin.id]);
});

Deno.test("simulator: an added user is login@directory, with or without it", async () => {
  await using env = await connect();
  const users = env.system.usersService();
  const domain = { name: "internal-authz" };
  const alice = await users.add({ userName: "alice@internal-authz", domain });
  const bob = await users.add({ userName: "bob", domain });
  assert.deepEqual([alice.userName, alice.principal], ["alice@internal-authz", "alice"]);
  assert.deepEqual([bob.userName, bob.principal], ["bob@internal-authz", "bob"]);
  const [found] = await users.list({ search: "usrname=bob@internal-authz" });
  assert.equal(found?.id, bob.id);
  // A login holding `@` (a user principal name): the name is split at its last `@`.
  const carol = await users.add({ userName: "carol@example.com", domain });
  assert.equal(carol.userName, "carol@example.com@internal-authz");
  const [upn] = await users.list({ search: "usrname=carol@example.com@internal-authz" });
  assert.equal(upn?.id, carol.id);
  assert.deepEqual(await users.list({ search: "usrname=carol@example.com" }), []);
});

Deno.test("simulator: a user named in the sign-in form (login@profile) is no such user", async () => {
  await using env = await connect();
  const users = env.system.usersService();
  await rejectsWith(
    users.add({ userName: "bob@internal", domain: { name: "internal-authz" } }),
    400,
    /^No such user: bob@internal in domain internal-authz$/,
  );
  assert.deepEqual(await users.list({ search: "login=bob*" }), []);
});

Deno.test("simulator: an event's usrname is its user's whole name", async () => {
  await using env = await connect();
  const events = env.system.eventsService();
  await events.add({
    description: "qa",
    severity: types.LogSeverity.NORMAL,
    origin: "qa",
    customId: 1,
    user: { id: env.admin.id },
  });
  const count = async (search: string) =>
    (await events.list({ search: `${search} and origin=qa` })).length;
  assert.equal(await count("usrname=admin@internal-authz"), 1);
  assert.equal(await count("usrname=admin"), 0);
  assert.equal(await count("usrname=admin@internal"), 0);
});

Deno.test("simulator: the signed-in user owns jobs, gets pool VMs and stays", async () => {
  await using env = await connect();
  const users = env.system.usersService();
  await rejectsWith(
    users.userService(env.admin.id!).remove(),
    409,
    /^\[Cannot remove User\. User is currently logged in\.\]$/,
  );
  const pools = env.system.vmPoolsService();
  const pool = await pools.add({
    name: "pool1",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    size: 1,
  });
  await pools.poolService(pool.id!).allocateVm();
  const [vm] = await env.system.vmsService().list({ search: "name=pool1-*" });
  const permissions = await env.system.vmsService().vmService(vm.id!).permissionsService().list();
  assert.deepEqual(permissions.map((permission) => permission.user?.id), [env.admin.id]);
  const jobs = (await env.system.jobsService().list()).filter((job) => job.description);
  assert.ok(jobs.length > 0);
  assert.ok(jobs.every((job) => job.owner?.id === env.admin.id));
  const external = await env.system.jobsService().add({ description: "qa job" });
  assert.equal(external.owner?.id, env.admin.id);
});

Deno.test("simulator: another login is the user of its name in the directory", async () => {
  await using sim = await startSimulator({ delay: 0, username: "alice@internal" });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const system = connection.systemService();
  const alice = await system.usersService().add({
    userName: "alice",
    domain: { name: "internal-authz" },
  });
  assert.equal(alice.userName, "alice@internal-authz");
  assert.equal((await system.get()).authenticatedUser?.id, alice.id);
  await rejectsWith(
    system.usersService().userService(alice.id!).remove(),
    409,
    /User is currently logged in/,
  );
  const [admin] = await system.usersService().list({ search: "usrname=admin" });
  await system.usersService().userService(admin.id!).remove();
  assert.deepEqual((await system.usersService().list()).map((user) => user.id), [alice.id]);
});

Deno.test("simulator: events of a request name the signed-in user who made it", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  await vms.vmService(vm.id!).start({ correlationId: "start-as-admin" });
  const events = env.system.eventsService();
  const mine = (await events.list({ search: "correlation_id=start-as-admin" }))
    .filter((event) => event.code !== 90000);
  assert.ok(mine.length > 0);
  assert.ok(mine.every((event) => event.user?.id === env.admin.id));
  const codes = async (search: string) =>
    (await events.list({ search })).filter((event) => event.correlationId === "start-as-admin")
      .map((event) => event.code).sort();
  const expected = mine.map((event) => event.code).sort();
  assert.deepEqual(await codes("usrname=admin@internal-authz"), expected);
  assert.deepEqual(await codes(`usrid=${env.admin.id}`), expected);
});

/**
 * Search fields with the engine's meaning: a VM's `memory` in MiB and `os` its OS type
 * name, results by name unless the query sorts (so `page` windows match the engine's),
 * an event's `severity` by rank, `type` its code, `message` its text and `usrname` its
 * user's name.
 */

import assert from "node:assert/strict";
import { types } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!);
}

Deno.test("simulator: VM memory is searched in MiB and os by its type name", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const all = await vms.list();
  const [vm] = all;
  assert.equal(vm.memory, 2 * 1024 ** 3);
  const sameMemory = all.filter((item) => item.memory === vm.memory).length;
  assert.equal((await vms.list({ search: "memory=2048" })).length, sameMemory);
  assert.equal((await vms.list({ search: "memory>=2048" })).length, all.length);
  assert.equal((await vms.list({ search: "memory>4096" })).length, 0);
  const sameOs = all.filter((item) => item.os?.type === vm.os?.type).length;
  assert.ok(sameOs > 0);
  assert.equal((await vms.list({ search: `os=${vm.os?.type}` })).length, sameOs);
});

Deno.test("simulator: search results are by name unless the query sorts", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  await vms.add({ name: "aaa-first", cluster: { name: "Default" }, template: { name: "Blank" } });
  assert.deepEqual(names(await vms.list({ search: "name=*", max: 3 })), [
    "aaa-first",
    "vm001",
    "vm002",
  ]);
  assert.deepEqual(names(await vms.list({ search: "page 2", max: 2 })), ["vm002", "vm003"]);
  const descending = names(await vms.list({ search: "sortby name desc", max: 1 }));
  assert.notDeepEqual(descending, ["aaa-first"]);
});

Deno.test("simulator: event severity compares by rank; type, message, usrname", async () => {
  await using env = await connect();
  const events = env.system.eventsService();
  const [admin] = await env.system.usersService().list({ max: 1 });
  const severities = [
    types.LogSeverity.WARNING,
    types.LogSeverity.ERROR,
    types.LogSeverity.ALERT,
  ];
  for (const [index, severity] of severities.entries()) {
    await events.add({
      description: `qa ${severity} event`,
      severity,
      origin: "qa",
      customId: index + 1,
      user: { id: admin.id },
    });
  }
  const severitiesOf = async (search: string) =>
    (await events.list({ search: `${search} and origin=qa` })).map((event) => event.severity)
      .sort();
  assert.deepEqual(await severitiesOf("severity>normal"), ["alert", "error", "warning"]);
  assert.deepEqual(await severitiesOf("severity>warning"), ["alert", "error"]);
  assert.deepEqual(await severitiesOf("severity<alert"), ["error", "warning"]);
  assert.deepEqual(await severitiesOf("severity=error"), ["error"]);
  const [anyEvent] = await events.list({ max: 1, search: "origin=oVirt" });
  const byType = await events.list({ search: `type=${anyEvent.code}` });
  assert.ok(byType.length > 0 && byType.every((event) => event.code === anyEvent.code));
  assert.deepEqual(
    (await events.list({ search: "message=*alert*" })).map((event) => event.description),
    ["qa alert event"],
  );
  // The admin's requests log events naming the admin too: only the added ones are `qa`.
  const byUser = await events.list({ search: `usrname=${admin.userName} and origin=qa` });
  assert.equal(byUser.length, 3);
});

Deno.test("simulator: the engine's common field names of VMs, hosts, disks, templates, users", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const all = await vms.list();
  const count = async (search: string) => (await vms.list({ search })).length;
  assert.equal(await count("creationdate > yesterday"), all.length);
  const vcpus = (vm: (typeof all)[0]) => {
    const { sockets = 1, cores = 1, threads = 1 } = vm.cpu?.topology ?? {};
    return Number(sockets) * Number(cores) * Number(threads);
  };
  assert.equal(await count("vcpus > 1"), all.filter((vm) => vcpus(vm) > 1).length);
  assert.equal(
    await count(`type=${all[0].type}`),
    all.filter((v) => v.type === all[0].type).length,
  );
  assert.equal(await count("architecture=x86_64"), all.length);
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const hosts = env.system.hostsService();
  const host = await hosts.hostService(running.host!.id!).get();
  assert.ok(
    (await vms.list({ search: `on_host=${host.name}` })).some((vm) => vm.id === running.id),
  );
  assert.deepEqual((await hosts.list({ search: `address=${host.address}` })).map((h) => h.id), [
    host.id,
  ]);
  assert.ok((await hosts.list({ search: "active_vms > 0" })).some((h) => h.id === host.id));
  const { sockets = 1, cores = 1 } = host.cpu?.topology ?? {};
  assert.ok(
    (await hosts.list({ search: `cpus=${Number(sockets) * Number(cores)}` })).some((h) =>
      h.id === host.id
    ),
  );
  const disks = env.system.disksService();
  const big = await disks.list({ search: "size>10000000000" });
  assert.ok(big.length > 0 && big.every((disk) => disk.provisionedSize! > 10_000_000_000));
  const size = big[0].provisionedSize;
  assert.deepEqual(await disks.list({ search: `size=${size}` }), [], "sizes take only < and >");
  assert.equal(
    (await disks.list({ search: "disk_content_type=data" })).length,
    (await disks.list()).filter((disk) => disk.contentType === "data").length,
  );
  const templates = env.system.templatesService();
  const [blank] = await templates.list({ search: "name=Blank" });
  const mib = Math.floor(Number(blank.memory) / 1024 ** 2);
  assert.ok((await templates.list({ search: `mem=${mib}` })).some((t) => t.id === blank.id));
  const users = env.system.usersService();
  const [admin] = await users.list({ search: "login=admin*" });
  assert.ok(admin.userName!.startsWith("admin"));
  assert.equal((await users.list({ search: "directory=*" })).length, (await users.list()).length);
});

Deno.test("simulator: events by the engine's event_vm and event_host fields", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ search: "name=vm001" });
  await vms.vmService(vm.id!).update({ description: "touched" });
  const events = env.system.eventsService();
  const ofVm = await events.list({ search: "event_vm=vm001" });
  assert.ok(ofVm.length > 0 && ofVm.every((event) => event.vm?.id === vm.id));
  assert.deepEqual(await events.list({ search: "event_vm=vm00" }), []);
  const hosts = env.system.hostsService();
  const [host] = await hosts.list({ search: "name=host1" });
  await hosts.hostService(host.id!).update({ description: "touched" });
  const ofHost = await events.list({ search: "event_host=host1" });
  assert.ok(ofHost.length > 0 && ofHost.every((event) => event.host?.id === host.id));
});

Deno.test("simulator: sortby ties are broken by name, ascending, in both directions", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  await vms.add({ name: "aaa-new", cluster: { name: "Default" }, template: { name: "Blank" } });
  const ascending = names(await vms.list({ search: "sortby status asc" }));
  assert.equal(ascending[0], "aaa-new");
  const down = names(await vms.list({ search: "status=down" }));
  assert.deepEqual(ascending.slice(0, down.length), [...down].sort());
  const descending = names(await vms.list({ search: "sortby status desc" }));
  assert.deepEqual(descending.slice(-down.length), [...down].sort());
});

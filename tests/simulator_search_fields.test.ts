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
  const byUser = await events.list({ search: `usrname=${admin.userName}` });
  assert.equal(byUser.length, 3);
});

/**
 * Enum fields take the engine's backend enum names (`WaitForLaunch`, `PoweringUp`,
 * `NonOperational`), in any case and whatever `case_sensitive` says, not the API's wire
 * values (`wait_for_launch`) nor wildcards: an unknown value is a syntax error, so the
 * search finds nothing, as on the engine. `<` and `>` compare the engine's numbers. A
 * boolean field takes `true` or `false`, in any case.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!);
}

Deno.test("simulator: VM status is searched by the engine's enum names", async () => {
  await using session = await simulatorSession({ delay: 60_000 });
  const vms = session.connection.systemService().vmsService();
  const [stopped] = await vms.list({ search: "status=down", max: 1 });
  await vms.vmService(stopped.id!).start();
  assert.equal((await vms.vmService(stopped.id!).get()).status, "wait_for_launch");
  for (const search of ["status=WaitForLaunch", "status=waitforlaunch", "STATUS=WAITFORLAUNCH"]) {
    assert.deepEqual(names(await vms.list({ search })), [stopped.name], search);
    const caseSensitive = await vms.list({ search, caseSensitive: true });
    assert.deepEqual(names(caseSensitive), [stopped.name], `${search}, case-sensitive`);
  }
  for (const search of ["status=wait_for_launch", "status=u*", "status=bogus", "status=Up*"]) {
    assert.deepEqual(await vms.list({ search }), [], search);
  }
  const up = await vms.list({ search: "status=UP", caseSensitive: true });
  assert.ok(up.length > 0 && up.every((vm) => vm.status === "up"));
  const notUp = await vms.list({ search: "status!=up" });
  assert.equal(up.length + notUp.length, (await vms.list()).length);
});

Deno.test("simulator: host, event and disk enums by the engine's names and numbers", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const hosts = system.hostsService();
  assert.equal((await hosts.list({ search: "status=Up" })).length, 3);
  assert.deepEqual(await hosts.list({ search: "status=NonOperational" }), []);
  assert.deepEqual(await hosts.list({ search: "status=non_operational" }), []);
  assert.equal((await hosts.list({ search: "update_available=FALSE" })).length, 3);
  assert.deepEqual(await hosts.list({ search: "update_available=true" }), []);
  assert.deepEqual(
    await hosts.list({ search: "update_available=no" }),
    [],
    "a boolean: true or false",
  );
  assert.deepEqual(await hosts.list({ search: "update_available=f*" }), []);
  const events = system.eventsService();
  for (const severity of ["warning", "error", "alert"] as const) {
    await events.add({ description: `qa ${severity}`, severity, origin: "qa", customId: 1 });
  }
  const severities = async (search: string) =>
    (await events.list({ search: `${search} and origin=qa` })).map((event) => event.severity)
      .sort();
  assert.deepEqual(await severities("severity>Warning"), ["alert", "error"]);
  assert.deepEqual(await severities("severity=ERROR"), ["error"]);
  assert.deepEqual(await severities("severity=err*"), []);
  const disks = system.disksService();
  const all = await disks.list();
  const ok = await disks.list({ search: "status=OK" });
  assert.ok(ok.length > 0 && ok.every((disk) => disk.status === "ok"));
  assert.equal((await disks.list({ search: "disk_type=image" })).length, all.length);
});

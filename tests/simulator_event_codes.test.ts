/**
 * The events of changes carry the engine's audit log codes, and the event of a VM coming
 * up, logged by the start command, carries the start's correlation id; those of the
 * engine's host monitoring (down, suspended) carry none. The simulator's own events (changes
 * without an engine code, "Simulator ready") carry codes the engine does not use.
 */

import assert from "node:assert/strict";
import { waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: VM changes log the engine's event codes", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const events = system.eventsService();
  const codesOf = async (correlationId: string) =>
    (await events.list({ search: `correlation_id=${correlationId}` }))
      .map((event) => Number(event.code)).sort((a, b) => a - b);
  const added = await vms.add(
    { name: "ev-vm", cluster: { name: "Default" }, template: { name: "Blank" } },
    { correlationId: "qa-add" },
  );
  assert.deepEqual(await codesOf("qa-add"), [34]);
  const service = vms.vmService(added.id!);
  await service.update({ description: "edited" }, { correlationId: "qa-edit" });
  assert.deepEqual(await codesOf("qa-edit"), [35]);
  await service.start({ correlationId: "qa-start" });
  await waitForStatus(service, "up", POLL);
  assert.deepEqual(await codesOf("qa-start"), [32, 153]);
  await service.suspend({ correlationId: "qa-suspend" });
  await waitForStatus(service, "suspended", POLL);
  assert.deepEqual(await codesOf("qa-suspend"), [501]);
  const [suspended] = await events.list({ search: "type=503", max: 1 });
  assert.equal(suspended.vm?.id, added.id);
  assert.equal(suspended.correlationId, undefined);
  await service.stop({ correlationId: "qa-stop" });
  assert.deepEqual(await codesOf("qa-stop"), [33]);
  assert.equal((await events.list({ search: "type=61", max: 1 }))[0].vm?.id, added.id);
  await service.remove({ correlationId: "qa-remove" });
  assert.deepEqual(await codesOf("qa-remove"), [113]);
});

Deno.test("simulator: its own events use codes the engine does not", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const events = session.connection.systemService().eventsService();
  const [ready] = await events.list({ search: "type=90001" });
  assert.match(ready.description!, /^Simulator ready/);
  await session.connection.systemService().tagsService().add(
    { name: "coded" },
    { correlationId: "qa-tag" },
  );
  const [tagged] = await events.list({ search: "correlation_id=qa-tag" });
  assert.equal(Number(tagged.code), 90000);
  assert.deepEqual(await events.list({ search: "type=9000 or type=9001" }), []);
});

/**
 * The simulator takes this session's engine parameters as the engine does: every event carries
 * its `index`, so `from: event.index` resumes after it.
 */

import assert from "node:assert/strict";
import { followEvents } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: every event carries its index, and from: event.index lists only newer events", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const events = system.eventsService();
  const [vm] = await system.vmsService().list();
  const vmService = system.vmsService().vmService(vm.id!);
  await vmService.stop();
  // Down one step later, with its event.
  assert.equal((await vmService.get()).status, "down");
  const added = await events.add({
    description: "from a script",
    severity: "normal",
    origin: "test",
    customId: 7,
    index: 999, // the engine's mapper does not read it: the new event's id is its index
  });
  assert.equal(added.index, Number(added.id));
  const all = await events.list();
  assert.ok(all.length > 2);
  for (const event of all) assert.equal(event.index, Number(event.id));
  const [newest] = all;
  assert.ok(Number(newest.id) >= Number(added.id));
  assert.deepEqual(await events.list({ from: newest.index }), []);

  const later = await events.add({
    description: "later",
    severity: "normal",
    origin: "test",
    customId: 8,
  });
  for await (const event of followEvents(events, { from: newest.index, interval: 10 })) {
    assert.equal(event.id, later.id);
    break;
  }
});

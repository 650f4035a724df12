/**
 * The engine's spellings of id fields: events' `_event_vm_id` (and the other
 * `_event_*_id`), templates' `_vmt_id`; the spellings without the underscore, and
 * templates' `id`, are no fields there, so they find nothing.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: events and templates are searched by the engine's id fields", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [vm] = await system.vmsService().list({ search: "status=down", max: 1 });
  await system.vmsService().vmService(vm.id!).start();
  const events = system.eventsService();
  const ofVm = await events.list({ search: `_event_vm_id=${vm.id}` });
  assert.ok(ofVm.length > 0);
  assert.ok(ofVm.every((event) => event.vm?.id === vm.id));
  assert.deepEqual(await events.list({ search: `event_vm_id=${vm.id}` }), []);
  const templates = system.templatesService();
  const [blank] = await templates.list({ search: "name=Blank" });
  const found = await templates.list({ search: `_vmt_id=${blank.id}` });
  assert.deepEqual(found.map((template) => template.name), ["Blank"]);
  assert.deepEqual(await templates.list({ search: `id=${blank.id}` }), []);
});

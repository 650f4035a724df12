/**
 * Tags: assigning a tag by a name no tag has is refused with 404 (no tag is made), one
 * that exists is assigned; removing a tag removes the tags below it, and their
 * assignments.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: assigning a tag name that does not exist is refused", async () => {
  await using env = await connect();
  const tags = env.system.tagsService();
  const before = (await tags.list()).map((tag) => tag.name);
  const [vm] = await env.system.vmsService().list({ max: 1 });
  const assigned = env.system.vmsService().vmService(vm.id!).tagsService();
  await rejectsWith(assigned.add({ name: "typo-tag" }), 404);
  assert.deepEqual((await tags.list()).map((tag) => tag.name), before);
  const production = await assigned.add({ name: "production" });
  assert.equal(production.name, "production");
  assert.ok((await assigned.list()).some((tag) => tag.id === production.id));
});

Deno.test("simulator: removing a tag removes the tags below it and their assignments", async () => {
  await using env = await connect();
  const tags = env.system.tagsService();
  const parent = await tags.add({ name: "parent1" });
  const child = await tags.add({ name: "child1", parent: { id: parent.id } });
  await tags.add({ name: "grandchild1", parent: { id: child.id } });
  const [vm] = await env.system.vmsService().list({ max: 1 });
  const assigned = env.system.vmsService().vmService(vm.id!).tagsService();
  await assigned.add({ id: child.id });
  await tags.tagService(parent.id!).remove();
  const left = (await tags.list()).map((tag) => tag.name);
  assert.deepEqual(left.filter((name) => /1$/.test(name!)), []);
  assert.ok(!(await assigned.list()).some((tag) => tag.id === child.id));
});

/**
 * Where the engine applies a search, and to what (oVirt/ovirt-engine, backend/manager/modules/
 * restapi/jaxrs): the NICs and watchdogs of an instance type (`BackendInstanceTypeNicsResource`,
 * `BackendInstanceTypeWatchdogsResource`) never read `search`, although the model gives them
 * one, and neither does a list whose model has none (tags): all are answered whole.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;

Deno.test("simulator: lists whose engine resource ignores search are answered whole", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const system = session.connection.systemService();
  const instanceType = await system.instanceTypesService().add({
    name: "small",
    memory: 512 * MIB,
  });
  const service = system.instanceTypesService().instanceTypeService(instanceType.id!);
  for (const name of ["nic1", "nic2"]) await service.nicsService().add({ name });
  const nics = await service.nicsService().list({ search: "name=nic1" });
  assert.deepEqual(nics.map((nic) => nic.name).sort(), ["nic1", "nic2"]);
  await service.watchdogsService().add({ action: "reset", model: "i6300esb" });
  assert.equal((await service.watchdogsService().list({ search: "action=none" })).length, 1);

  for (const name of ["t1", "t2"]) await system.tagsService().add({ name });
  const token = await session.connection.authenticate();
  const answer = await fetch(`${session.sim.url}/tags?search=${encodeURIComponent("name=t1")}`, {
    headers: { authorization: `Bearer ${token}`, accept: "application/xml", version: "4" },
  });
  const names = [...(await answer.text()).matchAll(/<name>(t[12])<\/name>/g)].map((m) => m[1]);
  assert.deepEqual(names.sort(), ["t1", "t2"], "tags take no search");
});

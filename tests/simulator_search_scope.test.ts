/**
 * Where the engine applies a search, and to what (oVirt/ovirt-engine, backend/manager/modules/
 * restapi/jaxrs): the NICs and watchdogs of an instance type (`BackendInstanceTypeNicsResource`,
 * `BackendInstanceTypeWatchdogsResource`) never read `search`, although the model gives them
 * one, and neither does a list whose model has none (tags): all are answered whole. A search of
 * a cluster's Gluster volumes replaces the default `cluster = <name>` constraint
 * (`BackendGlusterVolumesResource.list`, `QueryHelper.getConstraint`), so it looks through the
 * volumes of every cluster. An empty `search` is a search too (the engine's `Vms: `).
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

Deno.test("simulator: a Gluster volume search looks through the volumes of every cluster", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const clusters = session.connection.systemService().clustersService();
  const [first] = await clusters.list({ search: "name=Default" });
  const second = await clusters.add({
    name: "second",
    dataCenter: { name: "Default" },
    cpu: { type: first.cpu?.type },
  });
  const volumesOf = (id: string) => clusters.clusterService(id).glusterVolumesService();
  // The engine requires a volume's bricks; the simulator does not look their server up.
  const bricks = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ serverId: "gluster1", brickDir: `/bricks/${n}` }));
  await volumesOf(first.id!).add({
    name: "data",
    volumeType: "replicate",
    replicaCount: 3,
    bricks: bricks(3),
  });
  await volumesOf(second.id!).add({ name: "other", volumeType: "distribute", bricks: bricks(1) });
  const names = async (id: string, search?: string) =>
    (await volumesOf(id).list(search === undefined ? {} : { search })).map((volume) => volume.name);
  assert.deepEqual(await names(first.id!), ["data"], "without a search: the cluster's own");
  assert.deepEqual(await names(first.id!, "name=*"), ["data", "other"]);
  assert.deepEqual(await names(second.id!, "type=replicate"), ["data"]);
  assert.deepEqual(await names(second.id!, ""), ["data", "other"], "an empty search too");
});

Deno.test("simulator: an empty search is a search, in the engine's order", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const vms = session.connection.systemService().vmsService();
  for (const name of ["web2", "db1", "web1"]) {
    await vms.add({ name, cluster: { name: "Default" }, template: { name: "Blank" } });
  }
  // QueryHelper.getConstraint keeps a present but empty search: `Vms: `, by name.
  assert.deepEqual((await vms.list({ search: "" })).map((vm) => vm.name), ["db1", "web1", "web2"]);
});

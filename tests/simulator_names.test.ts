/**
 * Names the engine keeps unique, and within what: a VM's NICs, networks of one data
 * center, affinity groups of one cluster, quotas of one data center, templates of one
 * data center (Blank's name in every one) unless the new template is a version of a base
 * template.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: a second VM NIC of the same name is refused", async () => {
  await using env = await connect();
  const [vm] = await env.system.vmsService().list({ search: "status=down", max: 1 });
  const nics = env.system.vmsService().vmService(vm.id!).nicsService();
  const [nic] = await nics.list();
  await rejectsWith(
    nics.add({ name: nic.name }),
    409,
    /^\[Network interface name is already in use\]$/,
  );
  assert.deepEqual((await nics.list()).map((item) => item.name), [nic.name]);
  const other = await nics.add({ name: "nic-other" });
  await rejectsWith(nics.nicService(other.id!).update({ name: nic.name }), 409, /already in use/);
});

Deno.test("simulator: network names are unique within a data center only", async () => {
  await using env = await connect();
  const networks = env.system.networksService();
  await rejectsWith(
    networks.add({ name: "ovirtmgmt", dataCenter: { name: "Default" } }),
    409,
    /logical network 'ovirtmgmt' is already used by an existing logical network in the same data-center/,
  );
  const [dc] = await env.system.dataCentersService().list({ search: "name=Default" });
  await rejectsWith(
    env.system.dataCentersService().dataCenterService(dc.id!).networksService().add({
      name: "ovirtmgmt",
    }),
    409,
    /already used/,
  );
  await networks.add({ name: "blue-net", dataCenter: { name: "Default" } });
  await env.system.dataCentersService().add({ name: "other-dc", local: false });
  const added = await networks.add({ name: "blue-net", dataCenter: { name: "other-dc" } });
  assert.equal(added.name, "blue-net");
  // A new data center has its own ovirtmgmt, as the engine makes it.
  await rejectsWith(
    networks.add({ name: "ovirtmgmt", dataCenter: { name: "other-dc" } }),
    409,
    /already used/,
  );
});

Deno.test("simulator: affinity group and quota names are unique in their owner", async () => {
  await using env = await connect();
  const [cluster] = await env.system.clustersService().list({ search: "name=Default" });
  const groups = env.system.clustersService().clusterService(cluster.id!).affinityGroupsService();
  await groups.add({ name: "ag1" });
  await rejectsWith(
    groups.add({ name: "ag1" }),
    409,
    /^\[Cannot add Affinity Group\. Affinity Group name already exists\.\]$/,
  );
  const [dc] = await env.system.dataCentersService().list({ search: "name=Default" });
  const quotas = env.system.dataCentersService().dataCenterService(dc.id!).quotasService();
  await quotas.add({ name: "gold" });
  await rejectsWith(
    quotas.add({ name: "gold" }),
    409,
    /Cannot add Quota\. The Quota name is already in use/,
  );
});

Deno.test("simulator: a template name in use is refused unless it names a base template", async () => {
  await using env = await connect();
  const templates = env.system.templatesService();
  const [vm] = await env.system.vmsService().list({ search: "status=down", max: 1 });
  await rejectsWith(
    templates.add({ name: "Blank", vm: { id: vm.id } }),
    409,
    /Cannot add Template\. The Template name is already in use/,
  );
  await rejectsWith(templates.add({ name: "centos9", vm: { id: vm.id } }), 409, /already in use/);
  const [base] = await templates.list({ search: "name=centos9" });
  const version = await templates.add({
    name: "anything",
    vm: { id: vm.id },
    version: { baseTemplate: { id: base.id }, versionName: "v2" },
  });
  assert.equal(version.name, "centos9");
  assert.equal(version.version?.versionNumber, 2);
  assert.equal(version.version?.baseTemplate?.id, base.id);
  await rejectsWith(
    templates.add({ name: "x", vm: { id: vm.id }, version: { baseTemplate: { id: version.id } } }),
    409,
    /Only the first template version can be selected as the base template/,
  );
  // The versions share their name: updating either with it (or sending a get() back) is fine.
  for (const id of [base.id!, version.id!]) {
    const template = templates.templateService(id);
    const got = await template.get();
    assert.equal((await template.update({ ...got, description: "d" })).description, "d");
  }
});

/**
 * A new data center gets the management network `ovirtmgmt` and its vNIC profile, as the
 * engine makes them; a new cluster gets a management network of its own data center,
 * picked as the engine picks it, or is refused when there is no single suitable one.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: a new data center has ovirtmgmt and its vNIC profile; its clusters use it", async () => {
  await using env = await connect();
  const dc = await env.system.dataCentersService().add({ name: "dc2", local: false });
  const networks = await env.system.dataCentersService().dataCenterService(dc.id!)
    .networksService().list();
  assert.deepEqual(networks.map((network) => network.name), ["ovirtmgmt"]);
  const [management] = networks;
  const profiles = (await env.system.vnicProfilesService().list())
    .filter((profile) => profile.network?.id === management.id);
  assert.deepEqual(profiles.map((profile) => profile.name), ["ovirtmgmt"]);

  const clusters = env.system.clustersService();
  const cluster = await clusters.add({
    name: "c2",
    dataCenter: { name: "dc2" },
    cpu: { type: "Intel Icelake Server Family" },
  });
  assert.equal(cluster.managementNetwork?.id, management.id);
  const own = await clusters.clusterService(cluster.id!).networksService().list();
  assert.deepEqual(own.map((network) => [network.id, network.required]), [[management.id, true]]);
});

Deno.test("simulator: a cluster's management network comes from its data center", async () => {
  await using env = await connect();
  const dc = await env.system.dataCentersService().add({ name: "dc2", local: false });
  const dcNetworks = env.system.dataCentersService().dataCenterService(dc.id!).networksService();
  const own = await dcNetworks.add({ name: "mgmt2" });
  const clusters = env.system.clustersService();
  const named = await clusters.add({
    name: "c2",
    dataCenter: { id: dc.id },
    managementNetwork: { name: "mgmt2" },
  });
  assert.equal(named.managementNetwork?.id, own.id);
  const [defaultManagement] = await env.system.networksService().list({
    search: "name=ovirtmgmt and datacenter=Default",
  });
  await rejectsWith(
    clusters.add({
      name: "c3",
      dataCenter: { id: dc.id },
      managementNetwork: { id: defaultManagement.id },
    }),
    409,
    /^\[Cannot create Cluster\. Network belongs to a different data-center\.\]$/,
  );
  const [ovirtmgmt] = (await dcNetworks.list()).filter((network) => network.name === "ovirtmgmt");
  await dcNetworks.networkService(ovirtmgmt.id!).remove();
  await dcNetworks.add({ name: "other" });
  const third = await clusters.add({ name: "c4", dataCenter: { id: dc.id } });
  assert.equal(third.managementNetwork?.id, own.id, "the one network managing its clusters");
  assert.deepEqual(await clusters.list({ search: "name=c3" }), [], "nothing half made");
});

Deno.test("simulator: a cluster is refused when no single network can manage it", async () => {
  await using env = await connect();
  const dc = await env.system.dataCentersService().add({ name: "dc2", local: false });
  const dcNetworks = env.system.dataCentersService().dataCenterService(dc.id!).networksService();
  const [ovirtmgmt] = await dcNetworks.list();
  await dcNetworks.networkService(ovirtmgmt.id!).remove();
  await dcNetworks.add({ name: "a" });
  await dcNetworks.add({ name: "b" });
  await rejectsWith(
    env.system.clustersService().add({ name: "c2", dataCenter: { id: dc.id } }),
    409,
    /^\[Cannot create Cluster\. No single suitable network was found to serve as the management network\.\]$/,
  );
});

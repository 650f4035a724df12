/**
 * Adding again what the engine keeps once: a directory group added twice is the same group
 * (the engine answers the one it has); a provider name is refused when a provider of any
 * kind has it; a host address is refused when a host of the same cluster has it.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: a group added twice is the one group", async () => {
  await using env = await connect();
  const groups = env.system.groupsService();
  const first = await groups.add({ name: "developers", domain: { name: "internal-authz" } });
  const again = await groups.add({ name: "developers", domain: { name: "internal-authz" } });
  assert.equal(again.id, first.id);
  const listed = await groups.list({ search: "name=developers" });
  assert.deepEqual(listed.map((group) => group.id), [first.id]);
});

Deno.test("simulator: a provider name is refused when any provider has it", async () => {
  await using env = await connect();
  const images = env.system.openstackImageProvidersService();
  await images.add({ name: "myglance", url: "http://glance.example.com:9292" });
  const refusal =
    /^\[Cannot add provider\. The provider name is already in use, please choose a unique name and try again\.\]$/;
  await rejectsWith(
    images.add({ name: "myglance", url: "http://glance2.example.com:9292" }),
    409,
    refusal,
  );
  await rejectsWith(
    env.system.openstackVolumeProvidersService().add({
      name: "myglance",
      url: "http://cinder.example.com:8776",
    }),
    409,
    refusal,
  );
  assert.equal((await images.list()).filter((item) => item.name === "myglance").length, 1);
});

Deno.test("simulator: a second host with the address of one in its cluster is refused", async () => {
  await using env = await connect();
  const hosts = env.system.hostsService();
  const [host1] = await hosts.list({ search: "name=host1" });
  await rejectsWith(
    hosts.add({
      name: "myhost2",
      address: host1.address,
      cluster: { id: host1.cluster!.id },
      rootPassword: "secret",
    }),
    409,
    /^\[Cannot add Host\. Host with the same address already exists\.\]$/,
  );
  assert.deepEqual(await hosts.list({ search: "name=myhost2" }), []);
  const elsewhere = await hosts.add({
    name: "myhost3",
    address: host1.address,
    cluster: { name: "Production" },
    rootPassword: "secret",
  });
  assert.equal(elsewhere.address, host1.address, "the engine checks within the cluster only");
});

Deno.test("simulator: a host added without a cluster goes to Default, and its checks apply", async () => {
  await using env = await connect();
  const hosts = env.system.hostsService();
  const [host1] = await hosts.list({ search: "name=host1" });
  const [defaultCluster] = await env.system.clustersService().list({ search: "name=Default" });
  assert.equal(host1.cluster?.id, defaultCluster.id);
  await rejectsWith(
    hosts.add({ name: "myhost4", address: host1.address, rootPassword: "secret" }),
    409,
    /^\[Cannot add Host\. Host with the same address already exists\.\]$/,
  );
  const added = await hosts.add({
    name: "myhost5",
    address: "myhost5.example.com",
    rootPassword: "secret",
  });
  assert.equal(added.cluster?.id, defaultCluster.id);
});

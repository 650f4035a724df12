/**
 * Logical networks as the engine keeps them: a new VM network gets a vNIC profile of its
 * name; the management network cannot be removed; `setupnetworks` refuses a network the
 * host's cluster lacks and one network on two NICs; a NIC's network attachments are
 * those of its host on that NIC.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

Deno.test("simulator: a new VM network gets a vNIC profile of its name", async () => {
  await using env = await connect();
  const networks = env.system.networksService();
  const added = await networks.add({ name: "net2", dataCenter: { name: "Default" } });
  const profiles = (await env.system.vnicProfilesService().list())
    .filter((profile) => profile.network?.id === added.id);
  assert.deepEqual(profiles.map((profile) => profile.name), ["net2"]);
  const own = await networks.networkService(added.id!).vnicProfilesService().list();
  assert.deepEqual(own.map((profile) => profile.id), [profiles[0].id]);
  const plain = await networks.add({
    name: "storage",
    dataCenter: { name: "Default" },
    usages: [],
  });
  assert.ok(
    !(await env.system.vnicProfilesService().list()).some((profile) =>
      profile.network?.id === plain.id
    ),
  );
  await networks.networkService(added.id!).remove();
  assert.ok(
    !(await env.system.vnicProfilesService().list()).some((profile) =>
      profile.id === profiles[0].id
    ),
  );
});

Deno.test("simulator: the management network cannot be removed", async () => {
  await using env = await connect();
  const networks = env.system.networksService();
  const [management] = await networks.list({ search: "name=ovirtmgmt" });
  await rejectsWith(
    networks.networkService(management.id!).remove(),
    400,
    /^\[The Management Network \('ovirtmgmt'\) is mandatory and cannot be removed\.\]$/,
  );
  assert.equal((await networks.networkService(management.id!).get()).name, "ovirtmgmt");
});

Deno.test("simulator: setupnetworks refuses a network not in the cluster, or on two NICs", async () => {
  await using env = await connect();
  const network = await env.system.networksService().add({
    name: "net2",
    dataCenter: { name: "Default" },
  });
  const [host] = await env.system.hostsService().list({ search: "name=host1" });
  const service = env.system.hostsService().hostService(host.id!);
  const attach = (nic: string) =>
    service.setupNetworks({
      modifiedNetworkAttachments: [{ network: { name: "net2" }, hostNic: { name: nic } }],
    });
  await rejectsWith(
    attach("eth1"),
    400,
    /^\[Logical Network 'net2' does not exist in Cluster\.\]$/,
  );
  await env.system.clustersService().clusterService(host.cluster!.id!).networksService().add({
    id: network.id,
    required: false,
  });
  await attach("eth1");
  await rejectsWith(
    attach("eth2"),
    409,
    /attached to more than one Network Interface: net2\.\]$/,
  );
  const attachments = await service.networkAttachmentsService().list();
  assert.equal(attachments.filter((item) => item.network?.id === network.id).length, 1);
});

Deno.test("simulator: a host NIC's network attachments are its host's on that NIC", async () => {
  await using env = await connect();
  const [host] = await env.system.hostsService().list({ search: "name=host1" });
  const service = env.system.hostsService().hostService(host.id!);
  const all = await service.networkAttachmentsService().list();
  for (const nic of await service.nicsService().list()) {
    const own = service.nicsService().nicService(nic.id!).networkAttachmentsService();
    const expected = all.filter((item) => item.hostNic?.id === nic.id).map((item) => item.id);
    assert.deepEqual((await own.list()).map((item) => item.id), expected, nic.name);
    for (const id of expected) assert.equal((await own.attachmentService(id!).get()).id, id);
  }
  assert.ok(all.length > 0);
});

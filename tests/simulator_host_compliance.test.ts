/**
 * A host comes up `non_operational` when it lacks a network its cluster requires, as the
 * engine's network compliance check sets it (with event 519 naming the networks), but
 * only for a required network every other host up in the cluster has: the engine marks a
 * required network that an up host lacks non-operational, and skips it in the check.
 */

import assert from "node:assert/strict";
import { types, waitFor, waitForStatus } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

/** Network `req1`, required by cluster Production; on host3 (Production's host) if `onHost3`. */
async function requireNetwork(onHost3: boolean) {
  const session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const network = await system.networksService().add({
    name: "req1",
    dataCenter: { name: "Default" },
    vlan: { id: 300 },
  });
  const [production] = await system.clustersService().list({ search: "name=Production" });
  await system.clustersService().clusterService(production.id!).networksService().add({
    id: network.id,
    required: true,
  });
  const hosts = system.hostsService();
  if (onHost3) {
    const [host3] = await hosts.list({ search: "name=host3" });
    await hosts.hostService(host3.id!).setupNetworks({
      modifiedNetworkAttachments: [{ network: { id: network.id }, hostNic: { name: "eth1" } }],
    });
  }
  const [host2] = await hosts.list({ search: "name=host2" });
  const host2Service = hosts.hostService(host2.id!);
  await host2Service.deactivate();
  await waitForStatus(host2Service, types.HostStatus.MAINTENANCE, POLL);
  await host2Service.update({ cluster: { id: production.id } });
  await host2Service.activate();
  return { session, system, host2Service };
}

Deno.test("simulator: a host moved into a cluster whose required network it lacks is non_operational", async () => {
  const { session, system, host2Service } = await requireNetwork(true);
  await using _session = session;
  const host = await waitFor(() => host2Service.get(), (host) =>
    host.status !== "unassigned" &&
    host.status !== "initializing", POLL);
  assert.equal(host.status, types.HostStatus.NON_OPERATIONAL);
  const events = (await system.eventsService().list()).filter((event) => event.code === 519);
  assert.deepEqual(events.map((event) => [event.severity, event.host?.id, event.description]), [[
    "warning",
    host.id,
    "Host host2 does not comply with the cluster Production networks, the following networks " +
    "are missing on host: 'req1'",
  ]]);
});

Deno.test("simulator: a required network no host up in the cluster has does not keep a host out", async () => {
  const { session, system, host2Service } = await requireNetwork(false);
  await using _session = session;
  await waitForStatus(host2Service, types.HostStatus.UP, POLL);
  const events = (await system.eventsService().list()).filter((event) => event.code === 519);
  assert.deepEqual(events, []);
});

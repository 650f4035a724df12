/**
 * OVA exports as the engine runs them: no status lock (only an in-memory one that refuses
 * a second export of the same VM), the starting event at once and the done event when the
 * job of the call's correlation id ends, with the engine's audit log codes; the proxy host
 * must be up and in the data center of the VM. Exports to a domain log their starting
 * and done codes too.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitForJobs, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

async function eventsOf(connection: Connection, correlationId: string) {
  const events = await connection.systemService().eventsService().list();
  return events.filter((event) => event.correlationId === correlationId)
    .map((event) => [event.code, event.description])
    .filter(([code]) => code !== 90000)
    .sort(([a], [b]) => Number(a) - Number(b));
}

Deno.test("simulator: a VM's OVA export keeps its status, logs 1223 then 1224 and ends its job", async () => {
  await using session = await simulatorSession({ delay: 200 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm002" });
  const service = vms.vmService(vm.id!);
  const correlationId = "ova-vm002";
  await service.exportToPathOnHost(
    { host: { name: "host3" }, directory: "/ova/", filename: "web.ova", correlationId },
  );
  assert.equal((await service.get()).status, vm.status, "no status lock");
  assert.deepEqual(await eventsOf(connection, correlationId), [
    [1223, "Starting to export Vm vm002 as a Virtual Appliance"],
  ]);
  await rejectsWith(
    service.exportToPathOnHost({ host: { name: "host3" }, directory: "/ova" }),
    409,
    /^\[Cannot export VM\. VM vm002 is being exported\.\]$/,
  );
  const [job] = await waitForJobs(connection, correlationId, POLL);
  assert.equal(job.status, types.JobStatus.FINISHED);
  assert.deepEqual(await eventsOf(connection, correlationId), [
    [1223, "Starting to export Vm vm002 as a Virtual Appliance"],
    [
      1224,
      "Vm vm002 was exported successfully as a Virtual Appliance to path /ova/web.ova on Host host3",
    ],
  ]);
  await service.exportToPathOnHost({ host: { name: "host3" }, directory: "/ova" });
});

Deno.test("simulator: a template's OVA export logs 1226 then 1227 and may run twice at once", async () => {
  await using session = await simulatorSession({ delay: 200 });
  const { connection } = session;
  const templates = connection.systemService().templatesService();
  const [template] = await templates.list({ search: "name=centos9" });
  const service = templates.templateService(template.id!);
  const correlationId = "ova-centos9";
  await service.exportToPathOnHost(
    { host: { name: "host1" }, directory: "/ova", correlationId },
  );
  assert.equal((await service.get()).status, types.TemplateStatus.OK, "no status lock");
  await service.exportToPathOnHost({ host: { name: "host2" }, directory: "/ova2" });
  await waitForJobs(connection, correlationId, POLL);
  assert.deepEqual(await eventsOf(connection, correlationId), [
    [1226, "Starting to export Template centos9 as a Virtual Appliance"],
    [
      1227,
      "Template centos9 was exported successfully as a Virtual Appliance to path " +
      "/ova/centos9.ova on Host host1",
    ],
  ]);
});

Deno.test("simulator: an OVA export needs its host up and in the VM's data center", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [vm] = await system.vmsService().list({ search: "name=vm003" });
  const service = system.vmsService().vmService(vm.id!);
  const hosts = system.hostsService();
  const [host] = await hosts.list({ search: "name=host3" });
  for (const running of await system.vmsService().list({ search: "host=host3" })) {
    await system.vmsService().vmService(running.id!).stop();
  }
  await hosts.hostService(host.id!).deactivate();
  await waitForStatus(hosts.hostService(host.id!), types.HostStatus.MAINTENANCE, POLL);
  await rejectsWith(
    service.exportToPathOnHost({ host: { name: "host3" }, directory: "/ova" }),
    409,
    /^\[Cannot export VM\. Operation can be performed only when Host status is Up\.\]$/,
  );
  const dc = await system.dataCentersService().add({ name: "dc2", local: false });
  const cluster = await system.clustersService().add({
    name: "c2",
    dataCenter: { id: dc.id },
    cpu: { type: "Intel Icelake Server Family" },
  });
  await hosts.hostService(host.id!).update({ cluster: { id: cluster.id } });
  await hosts.hostService(host.id!).activate();
  await waitForStatus(hosts.hostService(host.id!), types.HostStatus.UP, POLL);
  await rejectsWith(
    service.exportToPathOnHost({ host: { name: "host3" }, directory: "/ova" }),
    409,
    /^\[Cannot export VM\. Proxy host and virtual machine do not reside at the same data center\.\]$/,
  );
});

Deno.test("simulator: an export to a domain logs its starting and done codes", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const system = connection.systemService();
  const domain = await system.storageDomainsService().add({
    name: "export1",
    type: types.StorageDomainType.EXPORT,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exp" },
  });
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const attached = system.dataCentersService().dataCenterService(dc.id!).storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", POLL);
  const [vm] = await system.vmsService().list({ search: "status=down", max: 1 });
  await system.vmsService().vmService(vm.id!).export(
    { storageDomain: { id: domain.id }, correlationId: "to-export1" },
  );
  const [template] = await system.templatesService().list({ search: "name=centos9" });
  await system.templatesService().templateService(template.id!).export(
    { storageDomain: { id: domain.id }, correlationId: "to-export2" },
  );
  await waitForJobs(connection, "to-export1", POLL);
  await waitForJobs(connection, "to-export2", POLL);
  assert.deepEqual(await eventsOf(connection, "to-export1"), [
    [1150, `Vm ${vm.name} was exported successfully to export1`],
    [1162, `Starting export Vm ${vm.name} to export1`],
  ]);
  assert.deepEqual(await eventsOf(connection, "to-export2"), [
    [1156, "Template centos9 was exported successfully to export1"],
    [1164, "Starting to export Template centos9 to export1"],
  ]);
});

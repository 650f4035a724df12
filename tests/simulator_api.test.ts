/**
 * The simulator's search language, paging and refusals (404, 405, 409, 400), through the
 * SDK over real HTTP. Malformed searches: simulator_search_refused.test.ts.
 */

import assert from "node:assert/strict";
import { NotFoundError, Service, types } from "../mod.ts";
import type { MethodSpec } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

/** Sends a request no generated method sends, through the connection's own runtime. */
class Probe extends Service {
  locate(): Service {
    throw new Error("not used");
  }

  static send(service: Service, spec: MethodSpec): Promise<unknown> {
    return (service as unknown as Probe).runtime.invoke(service.path, spec, {}, undefined);
  }
}

async function connect() {
  const session = await simulatorSession({ delay: 0 });
  return { ...session, system: session.connection.systemService() };
}

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!);
}

Deno.test("simulator: search conditions, wildcards, and/or, case", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  assert.deepEqual(names(await vms.list({ search: "name=vm00*" })), [
    "vm001",
    "vm002",
    "vm003",
    "vm004",
    "vm005",
    "vm006",
    "vm007",
    "vm008",
    "vm009",
  ]);
  assert.deepEqual(names(await vms.list({ search: "name=vm001 or name=vm012" })), [
    "vm001",
    "vm012",
  ]);
  const down = await vms.list({ search: "status=down" });
  assert.ok(down.length > 0 && down.every((vm) => vm.status === types.VmStatus.DOWN));
  const notDown = await vms.list({ search: "status!=down" });
  assert.equal(down.length + notDown.length, 20);
  const upInDefault = await vms.list({ search: "status=up and cluster=Default" });
  assert.ok(upInDefault.length > 0);
  const [defaultCluster] = await env.system.clustersService().list({ search: "name=Default" });
  assert.ok(upInDefault.every((vm) => vm.status === "up" && vm.cluster?.id === defaultCluster.id));
  assert.equal((await vms.list({ search: "datacenter=Default" })).length, 20);
  assert.deepEqual(names(await vms.list({ search: "name=VM001" })), ["vm001"]);
  assert.deepEqual(await vms.list({ search: "name=VM001", caseSensitive: true }), []);
  assert.deepEqual(names(await vms.list({ search: 'description="Seeded VM 7"' })), ["vm007"]);
  assert.deepEqual(names(await vms.list({ search: "vm013" })), ["vm013"], "free text");
  // A wildcard spans line breaks, as the engine's SQL LIKE does.
  const vm = await vms.add({
    name: "lines",
    description: "first line\r\nsecond line",
    cluster: { name: "Default" },
    template: { name: "Blank" },
  });
  assert.deepEqual(names(await vms.list({ search: "description=first*second*" })), ["lines"]);
  assert.deepEqual(names(await vms.list({ search: "description=*line*" })), ["lines"]);
  await vms.vmService(vm.id!).remove();
  const hosts = env.system.hostsService();
  assert.deepEqual(names(await hosts.list({ search: "cluster=Production" })), ["host3"]);
  assert.equal((await hosts.list({ search: "status=up" })).length, 3);
  const disks = await env.system.disksService().list({ search: "provisioned_size>10000000000" });
  assert.ok(disks.length > 0 && disks.every((disk) => disk.provisionedSize! > 10_000_000_000));
});

Deno.test("simulator: sortby, page and max", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  assert.equal((await vms.list({ max: 3 })).length, 3);
  assert.deepEqual(names(await vms.list({ search: "sortby name desc page 2", max: 5 })), [
    "vm015",
    "vm014",
    "vm013",
    "vm012",
    "vm011",
  ]);
  assert.deepEqual(
    names(await vms.list({ search: "name=vm0* sortby name asc page 5", max: 5 })),
    [],
  );
  assert.deepEqual(names(await vms.list({ search: "sortby name asc page 1", max: 2 })), [
    "vm001",
    "vm002",
  ]);
});

Deno.test("simulator: 404 for unknown ids and paths below them", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const missing = vms.vmService("no-such-vm");
  const error = await rejectsWith(missing.get(), 404, /Entity not found/);
  assert.ok(error instanceof NotFoundError);
  await assert.rejects(missing.nicsService().list(), NotFoundError);
  await assert.rejects(missing.start(), NotFoundError);
  await assert.rejects(env.system.disksService().diskService("x/y").get(), NotFoundError);
});

Deno.test("simulator: 405 for a method the service lacks", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  await rejectsWith(Probe.send(vms, { kind: "remove", params: [] }), 405);
  const [vm] = await vms.list({ max: 1 });
  await rejectsWith(
    Probe.send(vms.vmService(vm.id!).nicsService(), { kind: "remove", params: [] }),
    405,
  );
  await rejectsWith(Probe.send(env.system.eventsService(), { kind: "remove", params: [] }), 405);
});

Deno.test("simulator: 409 where the state forbids the operation", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const [stopped] = await vms.list({ search: "status=down", max: 1 });
  await rejectsWith(
    vms.vmService(running.id!).start(),
    409,
    /^\[Cannot run VM\. VM is running\.\]$/,
  );
  await rejectsWith(vms.vmService(running.id!).remove(), 409, /Cannot remove VM\. VM is running\./);
  await rejectsWith(vms.vmService(stopped.id!).stop(), 409, /VM is not running/);
  await rejectsWith(
    vms.add({ name: running.name, cluster: { name: "Default" }, template: { name: "Blank" } }),
    409,
    /name is already in use/,
  );
  const blank = env.system.templatesService().templateService(
    "00000000-0000-0000-0000-000000000000",
  );
  await rejectsWith(blank.remove(), 409, /Blank Template/);
});

Deno.test("simulator: 400 for missing mandatory values and unknown references", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const error = await rejectsWith(vms.add({ name: "lonely" }), 400);
  assert.equal(error.fault?.reason, "Incomplete parameters");
  assert.match(error.fault?.detail ?? "", /cluster/);
  await rejectsWith(
    vms.add({ name: "nowhere", cluster: { name: "NoSuchCluster" }, template: { name: "Blank" } }),
    404,
    /Cluster/,
  );
  await rejectsWith(env.system.disksService().add({ name: "sizeless" }), 400, /provisioned_size/);
});

Deno.test("simulator: follow inlines links, references carry hrefs", async () => {
  await using env = await connect();
  const vms = env.system.vmsService();
  const [vm] = await vms.list({ max: 1, follow: "disk_attachments.disk,nics,cluster" });
  assert.equal(vm.diskAttachments!.length, 1);
  assert.equal(vm.diskAttachments![0].disk!.status, types.DiskStatus.OK);
  assert.equal(vm.nics![0].name, "nic1");
  assert.equal(vm.cluster!.name, "Default");
  const plain = await vms.vmService(vm.id!).get();
  assert.deepEqual(plain.nics, Object.assign([], { href: `/ovirt-engine/api/vms/${vm.id}/nics` }));
  assert.equal(plain.cluster!.href, `/ovirt-engine/api/clusters/${plain.cluster!.id}`);
  assert.equal(plain.cluster!.name, undefined);
  const cdroms = await vms.vmService(vm.id!).cdromsService().list();
  assert.deepEqual(cdroms.map((cdrom) => cdrom.id), ["00000000-0000-0000-0000-000000000000"]);
  const snapshots = await vms.vmService(vm.id!).snapshotsService().list();
  assert.deepEqual(snapshots.map((snapshot) => snapshot.snapshotType), [types.SnapshotType.ACTIVE]);
});

Deno.test("simulator: a data center's clusters are the clusters of that data center", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const system = connection.systemService();
  const [dataCenter] = await system.dataCentersService().list({ search: "name=Default" });
  const other = await system.dataCentersService().add({ name: "other", local: false });
  await system.clustersService().add({
    name: "elsewhere",
    dataCenter: { id: other.id },
    cpu: { type: "Intel Icelake Server Family" },
  });
  const all = await system.clustersService().list();
  const own = await system.dataCentersService().dataCenterService(dataCenter.id!)
    .clustersService().list();
  assert.deepEqual(
    own.map((cluster) => cluster.name).sort(),
    all.filter((cluster) => cluster.dataCenter?.id === dataCenter.id).map((c) => c.name).sort(),
  );
  assert.ok(own.length >= 2);
  const theirs = await system.dataCentersService().dataCenterService(other.id!).clustersService()
    .list();
  assert.deepEqual(theirs.map((cluster) => cluster.name), ["elsewhere"]);
  const first = await system.dataCentersService().dataCenterService(dataCenter.id!)
    .clustersService().clusterService(own[0].id!).get();
  assert.equal(first.id, own[0].id);
});

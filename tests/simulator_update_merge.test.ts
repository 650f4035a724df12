/**
 * The simulator's updates set only the members sent, as the engine's mappers do: a nested
 * struct sent changes only its members sent (`cpu.topology.cores` keeps the sockets), a list
 * sent replaces the stored one whole, a reference sent replaces the old one, and read-only
 * members inside a struct (an SPM's `status`) stay as they are.
 */

import assert from "node:assert/strict";
import { type Connection, types } from "../mod.ts";
import { cliBench, ovirt } from "./cli_harness.ts";
import { simulatorSession } from "./sim_session.ts";

const GIB = 1024 ** 3;

/** The service of seeded VM `name` (seeded with 2 sockets, ballooning, 2 GiB guaranteed). */
async function seededVm(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  return vms.vmService(vm.id!);
}

Deno.test("simulator: a VM's cpu topology, memory policy and HA change member by member", async () => {
  await using session = await simulatorSession({ delay: 0 });
  // Down: cores and ballooning of a running VM would wait for its next run.
  const vm = await seededVm(session.connection, "vm003");
  await vm.update({ cpu: { topology: { cores: 4 } } });
  await vm.update({ memoryPolicy: { ballooning: false } });
  await vm.update({ highAvailability: { enabled: true } });
  await vm.update({ highAvailability: { priority: 50 } });
  const now = await vm.get();
  assert.deepEqual(now.cpu, {
    architecture: types.Architecture.X86_64,
    topology: { sockets: 2, cores: 4, threads: 1 },
  });
  assert.deepEqual(now.memoryPolicy, { guaranteed: 2 * GIB, max: 8 * GIB, ballooning: false });
  assert.deepEqual(now.highAvailability, { enabled: true, priority: 50 });
});

Deno.test("simulator: a host's power management and SPM priority change member by member", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const hosts = session.connection.systemService().hostsService();
  const [spm] = await hosts.list({ search: "name=host1" });
  assert.equal(spm.spm?.status, types.SpmStatus.SPM);
  const host = hosts.hostService(spm.id!);
  await host.update({
    powerManagement: { enabled: true, automaticPmEnabled: true, kdumpDetection: true },
  });
  await host.update({ powerManagement: { kdumpDetection: false } });
  await host.update({ spm: { priority: 9 } });
  // The SPM status is the engine's to say: sent back, it is ignored.
  await host.update({ spm: { status: types.SpmStatus.NONE } });
  const now = await host.get();
  assert.deepEqual(now.powerManagement, {
    enabled: true,
    automaticPmEnabled: true,
    kdumpDetection: false,
  });
  assert.deepEqual(now.spm, { status: types.SpmStatus.SPM, priority: 9 });
});

Deno.test("simulator: a cluster's cpu type keeps its architecture, also through a data center", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const architecture = cluster.cpu?.architecture;
  assert.ok(architecture);
  await system.clustersService().clusterService(cluster.id!).update({
    cpu: { type: "Intel Cascadelake Server Family" },
  });
  assert.deepEqual((await system.clustersService().clusterService(cluster.id!).get()).cpu, {
    type: "Intel Cascadelake Server Family",
    architecture,
  });
  const inDataCenter = system.dataCentersService().dataCenterService(cluster.dataCenter!.id!)
    .clustersService().clusterService(cluster.id!);
  await inDataCenter.update({ cpu: { type: "Intel Icelake Server Family" } });
  assert.deepEqual((await system.clustersService().clusterService(cluster.id!).get()).cpu, {
    type: "Intel Icelake Server Family",
    architecture,
  });
});

Deno.test("simulator: a template's cpu topology changes member by member", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const templates = session.connection.systemService().templatesService();
  const template = (await templates.list()).find((seen) => seen.name !== "Blank")!;
  const before = template.cpu!.topology!;
  const service = templates.templateService(template.id!);
  await service.update({ cpu: { topology: { sockets: 4 } } });
  const now = (await service.get()).cpu!;
  assert.equal(now.architecture, template.cpu!.architecture);
  assert.deepEqual(now.topology, { sockets: 4, cores: before.cores, threads: before.threads });
});

Deno.test("simulator: a list sent in an update replaces the stored one whole", async () => {
  await using session = await simulatorSession({ delay: 0 });
  // Down: the boot devices of a running VM would wait for its next run.
  const vm = await seededVm(session.connection, "vm003");
  await vm.update({ os: { boot: { devices: [types.BootDevice.CDROM, types.BootDevice.HD] } } });
  await vm.update({ os: { boot: { devices: [types.BootDevice.NETWORK] } } });
  const os = (await vm.get()).os!;
  assert.deepEqual(os.boot?.devices, [types.BootDevice.NETWORK]);
  assert.ok(os.type, "the OS type is kept");
});

Deno.test("simulator: a placement policy sent without hosts pins the VM to none", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [host] = await system.hostsService().list({ search: "name=host1" });
  const vm = await seededVm(session.connection, "vm001");
  await vm.update({ placementPolicy: { hosts: [{ id: host.id }] } });
  const pinned = (await vm.get()).placementPolicy!;
  assert.deepEqual(pinned.hosts?.map((seen) => seen.id), [host.id]);
  assert.equal(pinned.affinity, types.VmAffinity.MIGRATABLE);
  await vm.update({ placementPolicy: { affinity: types.VmAffinity.PINNED } });
  assert.deepEqual((await vm.get()).placementPolicy, { affinity: types.VmAffinity.PINNED });
});

Deno.test("simulator: a reference sent in an update replaces the old one", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [production] = await system.clustersService().list({ search: "name=Production" });
  const [down] = await system.vmsService().list({ search: "status=down", max: 1 });
  const vm = system.vmsService().vmService(down.id!);
  await vm.update({ cluster: { name: "Production" } });
  const now = await vm.get();
  assert.equal(now.cluster?.id, production.id);
  assert.equal(now.cpu?.topology?.sockets, down.cpu?.topology?.sockets);
});

Deno.test("ovirt vm update web2 --cpu topology.cores=2 keeps the sockets", async () => {
  await using bench = await cliBench();
  const vms = bench.connection.systemService().vmsService();
  const added = await vms.add({
    name: "web2",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    cpu: { topology: { sockets: 2, cores: 1, threads: 1 } },
  });
  const run = await ovirt(["vm", "update", "web2", "--cpu", "topology.cores=2"], bench.env);
  assert.equal(run.code, 0, run.stderr);
  const cpu = (await vms.vmService(added.id!).get()).cpu!;
  assert.deepEqual(cpu.topology, { sockets: 2, cores: 2, threads: 1 });
  assert.equal(cpu.architecture, added.cpu?.architecture);
});

Deno.test("simulator: a next-run update of a running VM merges member by member too", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const vm = vms.vmService(running.id!);
  const before = await vm.get();
  await vm.update({ cpu: { topology: { cores: 4 } } }, { nextRun: true });
  await vm.update({ cpu: { topology: { threads: 2 } } }, { nextRun: true });
  const expected = { ...before.cpu, topology: { ...before.cpu!.topology, cores: 4, threads: 2 } };
  assert.deepEqual((await vm.get({ nextRun: true })).cpu, expected);
  assert.deepEqual((await vm.get()).cpu, before.cpu, "the running configuration is unchanged");
  await vm.stop();
  const stopped = await vm.get();
  assert.equal(stopped.status, types.VmStatus.DOWN);
  assert.deepEqual(stopped.cpu, expected, "applied once down, sockets kept");
});

Deno.test("simulator: an empty lease or cpu_tune sent removes the VM's lease or CPU pinning", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [data] = await system.storageDomainsService().list({ search: "name=data" });
  const [down] = await system.vmsService().list({ search: "status=down", max: 1 });
  const vm = system.vmsService().vmService(down.id!);
  const pin = { vcpuPins: [{ vcpu: 0, cpuSet: "1" }] };
  await vm.update({ lease: { storageDomain: { id: data.id } }, cpu: { cpuTune: pin } });
  const set = await vm.get();
  assert.equal(set.lease?.storageDomain?.id, data.id);
  assert.deepEqual(set.cpu?.cpuTune, pin);
  // As the engine's mappers read them: a lease without a domain, a tune without pins.
  await vm.update({ lease: {}, cpu: { cpuTune: {} } });
  const cleared = await vm.get();
  assert.equal(cleared.lease, undefined);
  assert.equal(cleared.cpu?.cpuTune, undefined);
  assert.deepEqual(cleared.cpu?.topology, set.cpu?.topology, "the rest of cpu is kept");
});

Deno.test("simulator: an empty vlan sent untags a network", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const networks = session.connection.systemService().networksService();
  const added = await networks.add({
    name: "tagged",
    dataCenter: { name: "Default" },
    vlan: { id: 10 },
  });
  const network = networks.networkService(added.id!);
  assert.equal((await network.get()).vlan?.id, 10);
  await network.update({ vlan: {} });
  assert.equal((await network.get()).vlan, undefined);
});

Deno.test("simulator: an empty lease sent in a next-run update removes the lease once applied", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [data] = await system.storageDomainsService().list({ search: "name=data" });
  const [running] = await system.vmsService().list({ search: "status=up", max: 1 });
  const vm = system.vmsService().vmService(running.id!);
  await vm.update({ lease: { storageDomain: { id: data.id } } });
  await vm.update({ lease: {} }, { nextRun: true });
  assert.equal((await vm.get({ nextRun: true })).lease, undefined);
  assert.equal((await vm.get()).lease?.storageDomain?.id, data.id, "still leased while it runs");
  await vm.stop();
  assert.equal((await vm.get()).lease, undefined);
});

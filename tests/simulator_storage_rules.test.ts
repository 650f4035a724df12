/**
 * The simulator refuses what the engine refuses about disks, storage domains, hosts,
 * networks and affinity groups: a disk made smaller, a non-shareable disk attached to a
 * second VM, a move to the disk's own domain or to an ISO or export domain, a duplicate
 * member of an affinity group, a network attached to a cluster twice or removed while
 * NICs use it, a storage domain removed without a host; and an SPM host going to
 * maintenance hands the role on to another host.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };
const GIB = 1024 ** 3;

/** A new 2 GiB disk on the domain `data`, once it is `ok`. */
async function newDisk(connection: Connection, name: string, shareable = false) {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name,
    format: shareable ? types.DiskFormat.RAW : types.DiskFormat.COW,
    sparse: !shareable,
    shareable,
    provisionedSize: 2 * GIB,
    storageDomains: [{ name: "data" }],
  });
  const service = disks.diskService(disk.id!);
  await waitForStatus(service, types.DiskStatus.OK, POLL);
  return { id: disk.id!, service };
}

/** The disk attachments service of the VM named `name`. */
async function attachmentsOf(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  return vms.vmService(vm.id!).diskAttachmentsService();
}

Deno.test("simulator: a disk is never made smaller, through the disk or its attachment", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const disk = await newDisk(connection, "grows");
  const attachments = await attachmentsOf(connection, "vm003");
  await attachments.add({ disk: { id: disk.id }, interface: types.DiskInterface.VIRTIO_SCSI });
  const tooSmall =
    /^\[Cannot edit Virtual Disk\. New disk size must be larger than the current disk size\.\]$/;
  const viaAttachment = attachments.attachmentService(disk.id).update({
    disk: { provisionedSize: GIB },
  });
  await rejectsWith(viaAttachment, 400, tooSmall);
  await rejectsWith(disk.service.update({ provisionedSize: GIB }), 400, tooSmall);
  assert.equal((await disk.service.get()).provisionedSize, 2 * GIB);

  await disk.service.update({ provisionedSize: 2 * GIB, alias: "same_size" });
  await attachments.attachmentService(disk.id).update({ disk: { provisionedSize: 3 * GIB } });
  assert.equal((await disk.service.get()).provisionedSize, 3 * GIB);
});

Deno.test("simulator: a disk that is not shareable is attached to one VM only", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const single = await newDisk(connection, "single");
  const shared = await newDisk(connection, "shared", true);
  const first = await attachmentsOf(connection, "vm003");
  const second = await attachmentsOf(connection, "vm006");
  for (const disk of [single, shared]) {
    await first.add({ disk: { id: disk.id }, interface: types.DiskInterface.VIRTIO_SCSI });
  }
  await rejectsWith(
    second.add({ disk: { id: single.id }, interface: types.DiskInterface.VIRTIO_SCSI }),
    409,
    /^\[Cannot attach Virtual Disk\. The disk is not shareable and is already attached to a VM\.\]$/,
  );
  await second.add({ disk: { id: shared.id }, interface: types.DiskInterface.VIRTIO_SCSI });
  const ids = (await second.list()).map((attachment) => attachment.id);
  assert.ok(ids.includes(shared.id));
  assert.ok(!ids.includes(single.id));
});

Deno.test("simulator: a disk is not moved to its own domain, nor moved or copied to ISO or export", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const domains = connection.systemService().storageDomainsService();
  const exports = await domains.add({
    name: "exports",
    type: types.StorageDomainType.EXPORT,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exports/exp" },
  });
  // Active in the data center: a domain that is not is refused for its status first.
  const dataCenters = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  const attached = dataCenters.dataCenterService(dataCenter.id!).storageDomainsService();
  await attached.add({ id: exports.id });
  await waitForStatus(attached.storageDomainService(exports.id!), "active", POLL);
  const disk = await newDisk(connection, "stays");
  const [data] = await domains.list({ search: "name=data" });
  await rejectsWith(
    disk.service.move({ storageDomain: { id: data.id } }),
    400,
    /^\[Cannot move Virtual Disk\. The source and target storage domains are the same\.\]$/,
  );
  for (const name of ["iso", "exports"]) {
    await rejectsWith(
      disk.service.move({ storageDomain: { name } }),
      400,
      /^\[Cannot move Virtual Disk\. Storage Domain type is illegal\.\]$/,
    );
    await rejectsWith(
      disk.service.copy({ storageDomain: { name }, disk: { name: `copy_${name}` } }),
      400,
      /^\[Cannot copy Virtual Disk\. Storage Domain type is illegal\.\]$/,
    );
  }
  const after = await disk.service.get();
  assert.equal(after.status, types.DiskStatus.OK);
  assert.deepEqual(after.storageDomains?.map((domain) => domain.id), [data.id]);
  const copies = await connection.systemService().disksService().list({ search: "name=copy_*" });
  assert.deepEqual(copies, []);
});

Deno.test("simulator: a VM, host or label already in an affinity group is refused as a duplicate", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const groups = system.clustersService().clusterService(cluster.id!).affinityGroupsService();
  const group = groups.groupService((await groups.add({ name: "together" })).id!);
  const [vm] = await system.vmsService().list({ search: "cluster=Default", max: 1 });
  const [host] = await system.hostsService().list({ search: "name=host1" });
  const label = await system.affinityLabelsService().add({ name: "fast" });

  await group.vmsService().add({ id: vm.id });
  await group.hostsService().add({ id: host.id });
  await group.vmLabelsService().add({ id: label.id });
  await group.hostLabelsService().add({ id: label.id });
  const cases = [
    [group.vmsService().add({ id: vm.id }), "VM"],
    [group.hostsService().add({ id: host.id }), "VDS"],
    [group.hostsService().add({ name: "host1" }), "VDS"],
    [group.vmLabelsService().add({ id: label.id }), "LABEL"],
    [group.hostLabelsService().add({ id: label.id }), "LABEL"],
  ] as const;
  for (const [attempt, entity] of cases) {
    await rejectsWith(
      attempt,
      400,
      new RegExp(`^\\[Cannot edit Affinity Group\\. Duplicate ${entity}\\.\\]$`),
    );
  }
  assert.deepEqual((await group.vmsService().list()).map((member) => member.id), [vm.id]);
  assert.deepEqual((await group.hostsService().list()).map((member) => member.id), [host.id]);
});

Deno.test("simulator: the SPM host going to maintenance hands the role to another up host", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const hosts = session.connection.systemService().hostsService();
  const spmOf = async () =>
    (await hosts.list()).filter((host) => host.spm?.status === types.SpmStatus.SPM)
      .map((host) => host.name);
  assert.deepEqual(await spmOf(), ["host1"]);
  const [host1] = await hosts.list({ search: "name=host1" });
  const [host3] = await hosts.list({ search: "name=host3" });
  await hosts.hostService(host3.id!).update({ spm: { priority: 8 } });

  await hosts.hostService(host1.id!).deactivate();
  await waitForStatus(hosts.hostService(host1.id!), types.HostStatus.MAINTENANCE, POLL);
  const elected = await waitFor(spmOf, (names) => names.length > 0, POLL);
  assert.deepEqual(elected, ["host3"], "the up host with the highest SPM priority");
  assert.equal((await hosts.hostService(host1.id!).get()).spm?.status, types.SpmStatus.NONE);

  await hosts.hostService(host1.id!).activate();
  await waitForStatus(hosts.hostService(host1.id!), types.HostStatus.UP, POLL);
  assert.deepEqual(await spmOf(), ["host3"], "one SPM per data center");
});

Deno.test("simulator: a network is attached to a cluster once", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const network = await system.networksService().add({ name: "pbnet", dataCenter: { id: dc.id } });
  const [cluster] = await system.clustersService().list({ search: "name=Default" });
  const attached = system.clustersService().clusterService(cluster.id!).networksService();
  await attached.add({ id: network.id, required: false });
  await rejectsWith(
    attached.add({ name: "pbnet", required: true }),
    409,
    /^\[Logical Network is already attached to Cluster\.\]$/,
  );
  const [listed] = (await attached.list()).filter((item) => item.id === network.id);
  assert.equal(listed.required, false);
});

Deno.test("simulator: a network that NICs of VMs or templates use is not removed", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const networks = system.networksService();
  const network = await networks.add({ name: "pbnet", dataCenter: { id: dc.id } });
  const [profile] = await networks.networkService(network.id!).vnicProfilesService().list();
  const vms = system.vmsService();
  const nicOn = async (name: string) => {
    const [vm] = await vms.list({ search: `name=${name}` });
    const nics = vms.vmService(vm.id!).nicsService();
    const nic = await nics.add({ name: "pb", vnicProfile: { id: profile.id } });
    return () => nics.nicService(nic.id!).remove();
  };
  const service = networks.networkService(network.id!);
  const dropFirst = await nicOn("vm003");
  await rejectsWith(
    service.remove(),
    409,
    /^\[Cannot remove Network\. This logical network is used by virtual machine: vm003\n - Please remove it from this virtual machine and try again\.\]$/,
  );
  const dropSecond = await nicOn("vm006");
  await rejectsWith(
    service.remove(),
    409,
    /^\[Cannot remove Network\. This logical network is used by virtual machines: \(2\): \tvm003,\n\tvm006\n - Please detach virtual machines using this logical network and try again\.\]$/,
  );
  assert.equal((await service.get()).name, "pbnet");

  await dropFirst();
  await rejectsWith(service.remove(), 409, /used by virtual machine: vm006\n/);
  await dropSecond();
  const templates = system.templatesService();
  const [template] = await templates.list({ search: "name=centos9" });
  const templateNics = templates.templateService(template.id!).nicsService();
  const nic = await templateNics.add({ name: "pb", vnicProfile: { id: profile.id } });
  await rejectsWith(
    service.remove(),
    409,
    /^\[Cannot remove Network\. This logical network is used by template: centos9\n - Please remove it from this template and try again\.\]$/,
  );
  await templateNics.nicService(nic.id!).remove();
  await service.remove();
  assert.deepEqual(await networks.list({ search: "name=pbnet" }), []);
});

Deno.test("simulator: a storage domain is removed through a host, or destroyed", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const domains = session.connection.systemService().storageDomainsService();
  const add = (name: string) =>
    domains.add({
      name,
      type: types.StorageDomainType.DATA,
      host: { name: "host1" },
      storage: {
        type: types.StorageType.NFS,
        address: "nfs.example.com",
        path: `/exports/${name}`,
      },
    });
  const kept = domains.storageDomainService((await add("kept")).id!);
  const refused = await rejectsWith(kept.remove(), 400);
  assert.equal(refused.fault?.reason, "host parameter is missing");
  assert.equal((await kept.get()).name, "kept");
  await kept.remove({ host: "host1", format: true });
  await rejectsWith(kept.get(), 404);

  const destroyed = domains.storageDomainService((await add("destroyed")).id!);
  await destroyed.remove({ destroy: true });
  await rejectsWith(destroyed.get(), 404);
});

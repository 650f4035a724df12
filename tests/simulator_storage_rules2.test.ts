/**
 * More of what the engine refuses about disks, storage domains and vNIC profiles, and the
 * simulator with it: a second boot disk on a VM, an IDE disk plugged into (or out of) a
 * running VM, a disk detached while it is part of a VM snapshot, a template's disk removed
 * without a storage domain, a disk made, moved or copied on a domain that is not an active
 * data domain, two vNIC profiles of one name on one network; a direct LUN disk has no
 * status; a fault without a detail has no `<detail>`.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };
const GIB = 1024 ** 3;

/** A new 1 GiB disk on the domain `data`, once it is `ok`. */
async function newDisk(connection: Connection, name: string) {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name,
    format: types.DiskFormat.COW,
    provisionedSize: GIB,
    storageDomains: [{ name: "data" }],
  });
  const service = disks.diskService(disk.id!);
  await waitForStatus(service, types.DiskStatus.OK, POLL);
  return { id: disk.id!, service };
}

/** The VM named `name` and its disk attachments service. */
async function vmNamed(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  return {
    vm,
    service: vms.vmService(vm.id!),
    attachments: vms.vmService(vm.id!).diskAttachmentsService(),
  };
}

Deno.test("simulator: a VM has one boot disk, whether a disk is attached, added or marked so", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { attachments } = await vmNamed(connection, "vm003");
  const boot =
    /^\[Cannot (attach|add|edit) Virtual Disk\. Disk vm003_disk1 in VM vm003 is already marked as boot\.\]$/;
  const data = await newDisk(connection, "data_disk");
  const attempt = attachments.add({
    disk: { id: data.id },
    bootable: true,
    interface: types.DiskInterface.VIRTIO_SCSI,
  });
  assert.match((await rejectsWith(attempt, 409, boot)).fault!.detail!, /^\[Cannot attach /);
  const added = attachments.add({
    bootable: true,
    interface: types.DiskInterface.VIRTIO_SCSI,
    disk: {
      name: "second_os",
      format: types.DiskFormat.COW,
      provisionedSize: GIB,
      storageDomains: [{ name: "data" }],
    },
  });
  assert.match((await rejectsWith(added, 409, boot)).fault!.detail!, /^\[Cannot add /);
  const names = async () => {
    const disks = connection.systemService().disksService();
    return (await disks.list({ search: "name=second_os" })).length;
  };
  assert.equal(await names(), 0);

  await attachments.add({ disk: { id: data.id }, interface: types.DiskInterface.VIRTIO_SCSI });
  const marked = attachments.attachmentService(data.id).update({ bootable: true });
  assert.match((await rejectsWith(marked, 409, boot)).fault!.detail!, /^\[Cannot edit /);
  assert.equal((await attachments.attachmentService(data.id).get()).bootable, false);

  // Once the OS disk is no longer the boot disk, the other one may be.
  const [os] = (await attachments.list()).filter((attachment) => attachment.id !== data.id);
  await attachments.attachmentService(os.id!).update({ bootable: false });
  await attachments.attachmentService(data.id).update({ bootable: true });
  assert.equal((await attachments.attachmentService(data.id).get()).bootable, true);
});

Deno.test("simulator: no IDE disk is plugged into or out of a running VM", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { vm, attachments } = await vmNamed(connection, "vm001");
  assert.equal(vm.status, types.VmStatus.UP);
  const disk = await newDisk(connection, "legacy");
  const ide = (what: string) =>
    new RegExp(
      `^\\[Cannot ${what} legacy to vm001\\. Hot plugging a disk to an IDE interface is not supported\\.\\]$`,
    );
  await rejectsWith(
    attachments.add({ disk: { id: disk.id }, interface: types.DiskInterface.IDE, active: true }),
    400,
    ide("attach"),
  );
  // Attached unplugged, it stays so while the VM runs; detached, it goes as it came.
  await attachments.add({
    disk: { id: disk.id },
    interface: types.DiskInterface.IDE,
    active: false,
  });
  const attachment = attachments.attachmentService(disk.id);
  await rejectsWith(attachment.update({ active: true }), 400, ide("hot plug"));
  assert.equal((await attachment.get()).active, false);
  await attachment.remove();

  // Plugged while the VM is down: it can neither be unplugged nor detached once it runs.
  const down = await vmNamed(connection, "vm003");
  await down.attachments.add({
    disk: { id: disk.id },
    interface: types.DiskInterface.IDE,
    active: true,
  });
  await down.service.start();
  await waitForStatus(down.service, types.VmStatus.UP, POLL);
  const plugged = down.attachments.attachmentService(disk.id);
  const onVm003 = (what: string) => new RegExp(ide(what).source.replace("vm001", "vm003"));
  await rejectsWith(plugged.update({ active: false }), 400, onVm003("hot unplug"));
  await rejectsWith(plugged.remove(), 400, onVm003("detach"));
  assert.equal((await plugged.get()).active, true);

  // A disk on another interface is plugged into the running VM.
  const scsi = await newDisk(connection, "modern");
  await attachments.add({
    disk: { id: scsi.id },
    interface: types.DiskInterface.VIRTIO_SCSI,
    active: true,
  });
});

Deno.test("simulator: a disk that is part of a VM snapshot is not detached", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { service, attachments } = await vmNamed(connection, "vm003");
  const [osDisk] = await attachments.list();
  const snapshots = service.snapshotsService();
  const snapshot = await snapshots.add({ description: "before-change" });
  const snapshotService = snapshots.snapshotService(snapshot.id!);
  await waitFor(
    () => snapshotService.get(),
    (current) => current.snapshotStatus === types.SnapshotStatus.OK,
    POLL,
  );
  await rejectsWith(
    attachments.attachmentService(osDisk.id!).remove(),
    409,
    /^\[Cannot detach Virtual Disk\. The disk is already configured in a snapshot\. In order to detach it, remove the disk's snapshots\.\]$/,
  );
  assert.equal((await attachments.list()).length, 1);

  // A disk as it is in the snapshot, attached to another VM for a backup, is detached again.
  const backup = await vmNamed(connection, "vm006");
  await backup.attachments.add({
    disk: { id: osDisk.id, snapshot: { id: snapshot.id } },
    interface: types.DiskInterface.VIRTIO_SCSI,
    active: true,
  });
  await backup.attachments.attachmentService(osDisk.id!).remove();

  // Once the snapshot is removed, the disk is detached.
  await snapshotService.remove();
  await attachments.attachmentService(osDisk.id!).remove();
  assert.deepEqual(await attachments.list(), []);
});

Deno.test("simulator: a template's disk is not removed through the disks, which name no domain", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [template] = await system.templatesService().list({ search: "name=centos9" });
  const templateAttachments = system.templatesService().templateService(template.id!)
    .diskAttachmentsService();
  const [attachment] = await templateAttachments.list();
  const disks = system.disksService();
  const noDomain =
    /^\[Cannot remove Virtual Disk\. A storage domain must be specified when deleting one of a template's disk's copies\.\]$/;
  await rejectsWith(disks.diskService(attachment.id!).remove(), 400, noDomain);
  const [data] = await system.storageDomainsService().list({ search: "name=data" });
  const onDomain = system.storageDomainsService().storageDomainService(data.id!).disksService();
  await rejectsWith(onDomain.diskService(attachment.id!).remove(), 400, noDomain);
  assert.equal((await templateAttachments.list()).length, 1);
  assert.equal((await disks.diskService(attachment.id!).get()).id, attachment.id);

  // A floating disk is removed so.
  const floating = await newDisk(session.connection, "floating");
  await floating.service.remove();
  await rejectsWith(floating.service.get(), 404);
});

Deno.test("simulator: a disk is made, moved and copied only on an active data domain", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const domains = system.storageDomainsService();
  await domains.add({
    name: "fresh",
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exports/fresh" },
  });
  const disks = system.disksService();
  const add = (domain: string) =>
    disks.add({
      name: `on_${domain}`,
      format: types.DiskFormat.COW,
      provisionedSize: GIB,
      storageDomains: [{ name: domain }],
    });
  const cases = [
    [
      "fresh",
      409,
      /^\[Cannot add Virtual Disk\. The relevant Storage Domain's status is Unattached\.\]$/,
    ],
    ["ovirt-image-repository", 409, /status is Unattached\.\]$/],
    ["iso", 400, /^\[Cannot add Virtual Disk\. Storage Domain type is illegal\.\]$/],
  ] as const;
  for (const [domain, code, detail] of cases) await rejectsWith(add(domain), code, detail);
  const [fresh] = await domains.list({ search: "name=fresh" });
  const below = domains.storageDomainService(fresh.id!).disksService();
  await rejectsWith(
    below.add({ name: "below", format: types.DiskFormat.COW, provisionedSize: GIB }),
    409,
    /Unattached/,
  );
  assert.deepEqual(await disks.list({ search: "name=on_* or name=below" }), []);

  const disk = await newDisk(session.connection, "stays");
  await rejectsWith(
    disk.service.move({ storageDomain: { name: "fresh" } }),
    409,
    /^\[Cannot move Virtual Disk\. The relevant Storage Domain's status is Unattached\.\]$/,
  );
  await rejectsWith(
    disk.service.copy({ storageDomain: { name: "fresh" }, disk: { name: "copied" } }),
    409,
    /^\[Cannot copy Virtual Disk\. The relevant Storage Domain's status is Unattached\.\]$/,
  );
  assert.equal((await disk.service.get()).status, types.DiskStatus.OK);
});

Deno.test("simulator: a direct LUN disk has no status, as the engine shows none", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const disks = session.connection.systemService().disksService();
  const lun = await disks.add({
    name: "lun1",
    lunStorage: { type: types.StorageType.ISCSI, logicalUnits: [{ id: "3600a0b80001" }] },
  });
  assert.equal(lun.storageType, types.DiskStorageType.LUN);
  assert.equal(lun.status, undefined);
  assert.equal((await disks.diskService(lun.id!).get()).status, undefined);
  const [listed] = await disks.list({ search: "name=lun1" });
  assert.equal(listed.status, undefined);
  // A LUN disk attached to a VM and detached again.
  const { attachments } = await vmNamed(session.connection, "vm003");
  await attachments.add({ disk: { id: lun.id }, interface: types.DiskInterface.VIRTIO_SCSI });
  await attachments.attachmentService(lun.id!).remove();
});

Deno.test("simulator: a network has one vNIC profile of a name, however it is added or renamed", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const [network] = await system.networksService().list({ search: "name=ovirtmgmt" });
  const profiles = system.vnicProfilesService();
  const below = system.networksService().networkService(network.id!).vnicProfilesService();
  const inUse =
    /^\[Cannot (add|edit) VM network interface profile\. The VM network interface profile's name is already used by an existing profile for the same network\.\n-Please choose a different name\.\]$/;
  await rejectsWith(profiles.add({ name: "ovirtmgmt", network: { id: network.id } }), 409, inUse);
  await rejectsWith(below.add({ name: "ovirtmgmt" }), 409, inUse);

  // A new profile belongs to its network, however it was added.
  const first = await profiles.add({ name: "first", network: { id: network.id } });
  const second = await below.add({ name: "second" });
  assert.equal(second.network?.id, network.id);
  const names = (await below.list()).map((profile) => profile.name).sort();
  assert.deepEqual(names, ["first", "ovirtmgmt", "second"]);
  const rename = profiles.profileService(second.id!).update({ name: "first" });
  assert.match((await rejectsWith(rename, 409, inUse)).fault!.detail!, /^\[Cannot edit /);
  await profiles.profileService(first.id!).update({ name: "first", portMirroring: false });

  // Another network may have a profile of that name.
  const [dc] = await system.dataCentersService().list({ search: "name=Default" });
  const other = await system.networksService().add({ name: "pbnet", dataCenter: { id: dc.id } });
  const again = await profiles.add({ name: "first", network: { id: other.id } });
  assert.equal(again.network?.id, other.id);
});

Deno.test("simulator: a fault with a reason only has no detail", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const domains = session.connection.systemService().storageDomainsService();
  const [iso] = await domains.list({ search: "name=iso" });
  const response = await fetch(`${session.sim.url}/storagedomains/${iso.id}`, {
    method: "DELETE",
    headers: { Authorization: `Basic ${btoa(`${session.sim.username}:${session.sim.password}`)}` },
  });
  const body = await response.text();
  assert.equal(response.status, 400);
  assert.match(body, /<reason>host parameter is missing<\/reason>/);
  assert.doesNotMatch(body, /<detail/);
  const refused = await rejectsWith(domains.storageDomainService(iso.id!).remove(), 400);
  assert.equal(refused.fault?.detail, undefined);
});

/**
 * The simulator's VM backups hold their locks as the engine's `StartVmBackupCommand` does,
 * through the SDK over real HTTP: a backup of a disk another operation has locked is refused;
 * the end of one of the backup's image transfers (finalized, cancelled, stopped for
 * inactivity) leaves the disk locked, only the backup's end unlocks it, and a transfer's end
 * leaves alone a lock it did not take; and while a backup has not ended, its VM refuses to be
 * removed, snapshotted or backed up again.
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, waitFor } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };
const DOWNLOAD = types.ImageTransferDirection.DOWNLOAD;
const LOCKED = types.DiskStatus.LOCKED;

/** The service of VM `name` and the id of its first disk. */
async function vmNamed(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  const service = vms.vmService(vm.id!);
  const [attachment] = await service.diskAttachmentsService().list();
  return { vm, service, diskId: attachment.id! };
}

/** Starts a backup of disk `diskId` of the VM `vm` and waits until it is ready. */
async function readyBackup(vm: Awaited<ReturnType<typeof vmNamed>>["service"], diskId: string) {
  const backups = vm.backupsService();
  const started = await backups.add({ disks: [{ id: diskId }] });
  const service = backups.backupService(started.id!);
  const backup = await waitFor(() => service.get(), (b) => b.phase === "ready", POLL);
  return { backup, service };
}

/** Creates a transfer and waits until it is `transferring`; resolves to its service. */
async function transferring(connection: Connection, transfer: types.ImageTransfer) {
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add(transfer);
  const service = transfers.imageTransferService(created.id!);
  await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
  return service;
}

/** An image transfer's service. */
type TransferService = Awaited<ReturnType<typeof transferring>>;

/** Waits until the transfer of `service` has ended; resolves to its last phase. */
async function ended(service: TransferService) {
  const done = await waitFor(() => service.get(), (t) => String(t.phase).startsWith("finished_"), {
    ...POLL,
    timeout: 10_000,
  });
  return done.phase;
}

/** The status of disk `diskId`. */
async function diskStatus(connection: Connection, diskId: string) {
  return (await connection.systemService().disksService().diskService(diskId).get()).status;
}

Deno.test("backup locks: a backup of a disk another operation has locked is refused (409)", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { service: vm, diskId } = await vmNamed(connection, "vm006"); // down
  const plain = await transferring(connection, { disk: { id: diskId }, direction: DOWNLOAD });
  assert.equal(await diskStatus(connection, diskId), LOCKED);
  const before = (await vm.backupsService().list()).length;
  await rejectsWith(
    vm.backupsService().add({ disks: [{ id: diskId }] }),
    409,
    /^\[Cannot backup VM\. Disks locked by another operation: vm006_disk1\. Try again once it has ended\.\]$/,
  );
  assert.equal((await vm.backupsService().list()).length, before, "no backup was made");
  assert.equal(await diskStatus(connection, diskId), LOCKED, "the transfer still holds it");
  await plain.finalize();
  assert.equal(await ended(plain), types.ImageTransferPhase.FINISHED_SUCCESS);
  assert.equal(await diskStatus(connection, diskId), types.DiskStatus.OK);
  await readyBackup(vm, diskId);
  assert.equal(await diskStatus(connection, diskId), LOCKED);
});

Deno.test("backup locks: the end of a backup's transfer leaves the disk locked until the backup ends", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { service: vm, diskId } = await vmNamed(connection, "vm004");
  const { backup, service } = await readyBackup(vm, diskId);
  const disk = connection.systemService().disksService().diskService(diskId);
  const ofBackup = { disk: { id: diskId }, backup: { id: backup.id }, direction: DOWNLOAD };
  const ends: [string, (t: TransferService) => Promise<unknown>][] = [
    ["finalized", (t) => t.finalize()],
    ["cancelled", (t) => t.cancel()],
    ["stopped for inactivity", () => Promise.resolve()],
  ];
  for (const [how, end] of ends) {
    const transfer = await transferring(connection, { ...ofBackup, inactivityTimeout: 1 });
    await end(transfer);
    await ended(transfer);
    assert.equal(await diskStatus(connection, diskId), LOCKED, `after a transfer ${how}`);
    await rejectsWith(disk.update({ provisionedSize: 20 * 1024 ** 3 }), 409, /Disk is locked/);
    assert.equal((await service.get()).phase, types.BackupPhase.READY);
  }
  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.SUCCEEDED, POLL);
  assert.equal(await diskStatus(connection, diskId), types.DiskStatus.OK);
});

Deno.test("backup locks: a backup's transfer leaves alone a lock another operation holds", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { vm, service, diskId } = await vmNamed(connection, "vm006"); // down: a cold backup
  const attachment = await service.diskAttachmentsService().add({
    interface: types.DiskInterface.VIRTIO,
    active: true,
    disk: {
      name: "other",
      format: types.DiskFormat.RAW,
      provisionedSize: 1024 ** 2,
      storageDomains: [{ name: "data" }],
    },
  });
  const otherId = attachment.id!;
  const disks = connection.systemService().disksService();
  await waitFor(() => disks.diskService(otherId).get(), (d) => d.status === "ok", POLL);
  const { backup } = await readyBackup(service, diskId); // covers the first disk only
  const plain = await transferring(connection, { disk: { id: otherId }, direction: DOWNLOAD });
  // A cold backup's transfer reads any disk of its VM, locked or not (vm.status: down).
  assert.equal(vm.status, types.VmStatus.DOWN);
  const read = await transferring(connection, {
    disk: { id: otherId },
    backup: { id: backup.id },
    direction: DOWNLOAD,
  });
  await read.finalize();
  await ended(read);
  assert.equal(await diskStatus(connection, otherId), LOCKED, "the plain transfer holds it");
  await plain.finalize();
  await ended(plain);
  assert.equal(await diskStatus(connection, otherId), types.DiskStatus.OK);
});

Deno.test("backup locks: a VM during a backup refuses removal, a snapshot and a second backup (409)", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { vm, service: vmService, diskId } = await vmNamed(connection, "vm006"); // down
  const { backup, service } = await readyBackup(vmService, diskId);
  const during = (what: string) =>
    new RegExp(
      `^\\[Cannot ${what}\\. VM vm006 is being backed up \\(backup ${backup.id}\\): ` +
        "try again once that backup has ended\\.\\]$",
    );
  await rejectsWith(vmService.remove(), 409, during("remove VM"));
  await rejectsWith(vmService.remove({ force: true }), 409, during("remove VM"));
  assert.equal((await vmService.get()).id, vm.id, "the VM is still there");
  assert.equal(await diskStatus(connection, diskId), LOCKED, "and so is its disk");
  const snapshots = vmService.snapshotsService();
  const taken = (await snapshots.list()).length;
  await rejectsWith(snapshots.add({ description: "mid-backup" }), 409, during("create Snapshot"));
  assert.equal((await snapshots.list()).length, taken, "no snapshot was made");
  const backups = vmService.backupsService();
  const count = (await backups.list()).length;
  await rejectsWith(backups.add({ disks: [] }), 409, during("backup VM"));
  assert.equal((await backups.list()).length, count, "no second backup was made");

  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.SUCCEEDED, POLL);
  const second = await readyBackup(vmService, diskId);
  await second.service.finalize();
  await waitFor(() => second.service.get(), (b) => b.phase === "succeeded", POLL);
  await snapshots.add({ description: "after the backups" });
  const disk = connection.systemService().disksService().diskService(diskId);
  await waitFor(() => disk.get(), (d) => d.status === "ok", POLL);
  await vmService.remove();
});

Deno.test("backup locks: a running VM's backup refuses a snapshot; a starting one a second backup", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { vm, service, diskId } = await vmNamed(connection, "vm004");
  assert.equal(vm.status, types.VmStatus.UP);
  const { backup } = await readyBackup(service, diskId);
  await rejectsWith(
    service.snapshotsService().add({ description: "live, mid-backup" }),
    409,
    new RegExp(
      `^\\[Cannot create Snapshot\\. VM vm004 is being backed up \\(backup ${backup.id}\\)`,
    ),
  );
  // The engine's lock on the VM comes before its other checks: not "VM is running".
  await rejectsWith(service.remove(), 409, /VM vm004 is being backed up/);

  // Lifecycle steps of a minute: the first backup stays `initializing` for the whole test.
  await using slow = await simulatorSession({ delay: 60_000 });
  const other = await vmNamed(slow.connection, "vm007");
  const first = await other.service.backupsService().add({ disks: [{ id: other.diskId }] });
  assert.equal(first.phase, types.BackupPhase.INITIALIZING);
  await rejectsWith(
    other.service.backupsService().add({ disks: [{ id: other.diskId }] }),
    409,
    new RegExp(`^\\[Cannot backup VM\\. VM vm007 is being backed up \\(backup ${first.id}\\)`),
  );
});

Deno.test("backup locks: a backup whose image transfer still runs is not finalized (409)", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const target = await vmNamed(connection, "vm001");
  const { backup, service } = await readyBackup(target.service, target.diskId);
  const transfer = await transferring(connection, {
    disk: { id: target.diskId },
    backup: { id: backup.id },
    direction: DOWNLOAD,
  });
  await rejectsWith(service.finalize(), 409, /image transfer of this backup has not finished/);
  assert.equal(await diskStatus(connection, target.diskId), LOCKED, "still the backup's");
  await transfer.finalize();
  assert.equal(await ended(transfer), types.ImageTransferPhase.FINISHED_SUCCESS);
  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === "succeeded", POLL);
  assert.equal(await diskStatus(connection, target.diskId), types.DiskStatus.OK);
});

Deno.test("backup locks: a VM neither up nor down, or previewing a snapshot, is not backed up (409)", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const up = await vmNamed(connection, "vm005");
  await up.service.suspend();
  await waitFor(() => up.service.get(), (vm) => vm.status === "suspended", POLL);
  await rejectsWith(
    up.service.backupsService().add({ disks: [{ id: up.diskId }] }),
    409,
    /^\[Cannot backup VM\. The Virtual Machine should be in Up or Down status\.\]$/,
  );
  const down = await vmNamed(connection, "vm006");
  const snapshots = down.service.snapshotsService();
  const taken = await snapshots.add({ description: "to preview" });
  const snapshot = snapshots.snapshotService(taken.id!);
  await waitFor(() => snapshot.get(), (s) => s.snapshotStatus === "ok", POLL);
  await waitFor(() => down.service.get(), (vm) => vm.status === "down", POLL);
  await down.service.previewSnapshot({ snapshot: { id: taken.id } });
  await waitFor(() => snapshot.get(), (s) => s.snapshotStatus === "in_preview", POLL);
  await waitFor(() => down.service.get(), (vm) => vm.status === "down", POLL);
  await rejectsWith(
    down.service.backupsService().add({ disks: [{ id: down.diskId }] }),
    409,
    /^\[Cannot backup VM\. VM is previewing a Snapshot\.\]$/,
  );
  assert.deepEqual(await down.service.backupsService().list(), [], "no backup was made");
});

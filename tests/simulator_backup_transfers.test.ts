/**
 * The simulator's image transfers of a backup's disks follow the engine's rules
 * (`TransferDiskImageCommand.validateImageTransfer`), through the SDK over real HTTP: such a
 * transfer moves the guest's data, so asking for `format` `cow` is refused; the disk it reads
 * is locked by the backup itself (from its start until it ends), so a locked disk is no reason
 * to refuse it; the backup must exist and be ready; a live backup's host has no address for a
 * disk the backup does not cover, so the system stops such a transfer once made (a cold
 * backup's reads it all the same).
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, waitFor } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };
const DOWNLOAD = types.ImageTransferDirection.DOWNLOAD;

/** A ready backup of the first disk of VM `name`; resolves to the backup and the disk's id. */
async function readyBackup(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  const vmService = vms.vmService(vm.id!);
  const [attachment] = await vmService.diskAttachmentsService().list();
  const backups = vmService.backupsService();
  const started = await backups.add({ disks: [{ id: attachment.id }] });
  const service = backups.backupService(started.id!);
  const backup = await waitFor(() => service.get(), (b) => b.phase === "ready", POLL);
  return { backup, service, diskId: attachment.id! };
}

/** Creates a transfer and waits until it is `transferring`. */
async function started(connection: Connection, transfer: types.ImageTransfer) {
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add(transfer);
  const service = transfers.imageTransferService(created.id!);
  return await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
}

/** The status of disk `diskId`. */
async function diskStatus(connection: Connection, diskId: string) {
  return (await connection.systemService().disksService().diskService(diskId).get()).status;
}

Deno.test("backup transfers: format cow is refused, as the engine refuses it; raw is taken", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { backup, diskId } = await readyBackup(connection, "vm002");
  const transfers = connection.systemService().imageTransfersService();
  const before = (await transfers.list()).length;
  const status = await diskStatus(connection, diskId);
  const cow = { disk: { id: diskId }, backup: { id: backup.id }, direction: DOWNLOAD };
  const refused = await rejectsWith(
    transfers.add({ ...cow, format: types.DiskFormat.COW }),
    400,
    /^\[Cannot transfer Virtual Disk\. A VM backup's disk is read as raw guest data: format cow cannot be asked for\.\]$/,
  );
  assert.equal(refused.fault?.reason, "Operation Failed");
  assert.equal((await transfers.list()).length, before, "no transfer was made");
  assert.equal(await diskStatus(connection, diskId), status, "the disk is as it was");
  const raw = await started(connection, { ...cow, format: types.DiskFormat.RAW });
  assert.equal(raw.format, types.DiskFormat.RAW);
});

Deno.test("backup transfers: a disk locked meanwhile is no reason to refuse one", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { backup, diskId } = await readyBackup(connection, "vm004");
  const transfer = { disk: { id: diskId }, backup: { id: backup.id }, direction: DOWNLOAD };
  await started(connection, transfer);
  assert.equal(await diskStatus(connection, diskId), types.DiskStatus.LOCKED);
  // The engine takes no lock for a backup's transfer and does not check the disk's status.
  const second = await started(connection, transfer);
  assert.equal(second.phase, types.ImageTransferPhase.TRANSFERRING);
});

Deno.test("backup transfers: a backup locks its disks until it ends, as the engine's does", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { service, diskId } = await readyBackup(connection, "vm003");
  assert.equal(await diskStatus(connection, diskId), types.DiskStatus.LOCKED);
  const transfers = connection.systemService().imageTransfersService();
  const download = { disk: { id: diskId }, direction: DOWNLOAD };
  await rejectsWith(
    transfers.add(download),
    409,
    /^\[Cannot transfer Virtual Disk: Disk is locked\. Please try again later\.\]$/,
  );
  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.SUCCEEDED, POLL);
  assert.equal(await diskStatus(connection, diskId), types.DiskStatus.OK);
  await started(connection, download);
});

Deno.test("backup transfers: the backup must exist and be ready, as the engine checks", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const { backup, service, diskId } = await readyBackup(connection, "vm005");
  const transfers = connection.systemService().imageTransfersService();
  const download = { disk: { id: diskId }, direction: DOWNLOAD };
  const missing = "00000000-0000-4000-8000-0000000000bb";
  await rejectsWith(
    transfers.add({ ...download, backup: { id: missing } }),
    400,
    /^\[Cannot transfer Virtual Disk\. There is no VM backup with id 00000000-0000-4000-8000-0000000000bb\.\]$/,
  );
  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.SUCCEEDED, POLL);
  await rejectsWith(
    transfers.add({ ...download, backup: { id: backup.id } }),
    409,
    new RegExp(
      `^\\[Cannot transfer Virtual Disk\\. VM backup ${backup.id} is in phase SUCCEEDED: its disks can be transferred only while it is READY\\.\\]$`,
    ),
  );
});

Deno.test("backup transfers: none while the backup is still starting", async () => {
  // Lifecycle steps of a minute: the backup stays `initializing` for the whole test.
  await using session = await simulatorSession({ delay: 60_000 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm007" });
  const [attachment] = await vms.vmService(vm.id!).diskAttachmentsService().list();
  const backup = await vms.vmService(vm.id!).backupsService().add({
    disks: [{ id: attachment.id }],
  });
  await rejectsWith(
    connection.systemService().imageTransfersService().add({
      disk: { id: attachment.id },
      backup: { id: backup.id },
      direction: DOWNLOAD,
    }),
    409,
    /is in phase INITIALIZING: its disks can be transferred only while it is READY\.\]$/,
  );
});

Deno.test("backup transfers: one naming a backup without an id is a plain transfer, as the engine takes it", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm008" });
  const [attachment] = await vms.vmService(vm.id!).diskAttachmentsService().list();
  await rejectsWith(
    connection.systemService().imageTransfersService().add({
      disk: { id: attachment.id },
      backup: {},
      direction: DOWNLOAD,
    }),
    409,
    /^\[Cannot transfer Virtual Disk\. The disk vm008_disk1 is plugged to non-Down VMs: vm008\]$/,
  );
});

/** A second disk, raw and plugged, of VM `vmId`, once it is `ok`; resolves to its id. */
async function secondDisk(connection: Connection, vmId: string) {
  const attachments = connection.systemService().vmsService().vmService(vmId)
    .diskAttachmentsService();
  const attachment = await attachments.add({
    interface: types.DiskInterface.VIRTIO,
    active: true,
    disk: {
      name: "other",
      format: types.DiskFormat.RAW,
      provisionedSize: 1024 ** 2,
      storageDomains: [{ name: "data" }],
    },
  });
  const disk = connection.systemService().disksService().diskService(attachment.id!);
  await waitFor(() => disk.get(), (d) => d.status === types.DiskStatus.OK, POLL);
  return attachment.id!;
}

Deno.test("backup transfers: a live backup's host stops the transfer of a disk it does not cover", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm010" });
  const otherId = await secondDisk(connection, vm.id!);
  const { backup } = await readyBackup(connection, "vm010"); // its first disk only
  const transfers = connection.systemService().imageTransfersService();
  // The engine does not check it: the transfer is made, then the system stops it.
  const created = await transfers.add({
    disk: { id: otherId },
    backup: { id: backup.id },
    direction: DOWNLOAD,
  });
  assert.equal(created.phase, types.ImageTransferPhase.INITIALIZING);
  const service = transfers.imageTransferService(created.id!);
  const ended = await waitFor(() => service.get(), (t) => t.phase === "finished_failure", POLL);
  assert.equal(ended.active, false);
  assert.equal(await diskStatus(connection, otherId), types.DiskStatus.OK);
  const events = await connection.systemService().eventsService().list({ max: 20 });
  assert.ok(
    events.some((event) =>
      event.description ===
        "Transfer was stopped by system. Reason: failed to add host image ticket."
    ),
  );
  // An upload is paused by the system instead, as the engine pauses a stopped upload.
  const upload = await transfers.add({ disk: { id: otherId }, backup: { id: backup.id } });
  const paused = await waitFor(
    () => transfers.imageTransferService(upload.id!).get(),
    (t) => t.phase !== types.ImageTransferPhase.INITIALIZING,
    POLL,
  );
  assert.equal(paused.phase, types.ImageTransferPhase.PAUSED_SYSTEM);
});

Deno.test("backup transfers: a cold backup's transfer reads a disk it does not cover, as the engine's does", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm006" });
  const otherId = await secondDisk(connection, vm.id!);
  const { backup } = await readyBackup(connection, "vm006"); // a VM down: a cold backup
  const transfer = await started(connection, {
    disk: { id: otherId },
    backup: { id: backup.id },
    direction: DOWNLOAD,
  });
  assert.equal(transfer.phase, types.ImageTransferPhase.TRANSFERRING);
});

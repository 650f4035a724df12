/**
 * The simulator's VM backups hold their locks as the engine's `StartVmBackupCommand` does,
 * through the SDK over real HTTP: a backup of a disk another operation has locked is refused.
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

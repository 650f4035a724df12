/**
 * The simulator's image transfers follow the engine's rules, over real HTTP: a transfer
 * without `format` takes the disk's; `format` `raw` moves a qcow2 disk's guest data (and a
 * `cow` transfer of a disk holding guest data moves a qcow2 file); no transfer of an
 * `illegal` disk nor of one plugged into a running VM; no disk of size 0; and an abandoned
 * transfer ends on its own after its `inactivity_timeout`.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor } from "../mod.ts";
import { CLUSTER, qcow2 } from "./qcow2_image.ts";
import { rawDisk, rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const POLL = { interval: 5, timeout: 5000 };

/** Creates a transfer of disk `diskId` and waits until it is `transferring`. */
async function startTransfer(
  connection: Connection,
  diskId: string,
  transfer: Omit<types.ImageTransfer, "disk"> = {},
): Promise<types.ImageTransfer> {
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add({ ...transfer, disk: { id: diskId } });
  const service = transfers.imageTransferService(created.id!);
  return await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
}

/** A ready backup of VM `vmId` covering its disk `diskId`; resolves to the backup's id. */
async function readyBackup(connection: Connection, vmId: string, diskId: string) {
  const backups = connection.systemService().vmsService().vmService(vmId).backupsService();
  const backup = await backups.add({ disks: [{ id: diskId }] });
  const service = backups.backupService(backup.id!);
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.READY, POLL);
  return backup.id!;
}

/** Waits until disk `diskId` has `status`. */
async function diskStatus(connection: Connection, diskId: string, status: string) {
  const service = connection.systemService().disksService().diskService(diskId);
  return await waitFor(() => service.get(), (disk) => disk.status === status, POLL);
}

Deno.test("rules: a transfer of an illegal disk is refused, upload or download", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await rawDisk(connection, MIB);
  const failed = await startTransfer(connection, diskId);
  const transfers = connection.systemService().imageTransfersService();
  await transfers.imageTransferService(failed.id!).cancel();
  await diskStatus(connection, diskId, "illegal");
  for (
    const direction of [types.ImageTransferDirection.UPLOAD, types.ImageTransferDirection.DOWNLOAD]
  ) {
    await rejectsWith(
      transfers.add({ disk: { id: diskId }, direction }),
      500,
      /^\[Cannot transfer Virtual Disk\. The following attached disks are in ILLEGAL status: target - please remove them and try again\.\]$/,
    );
  }
});

Deno.test("rules: a disk plugged into a VM that is not down is not transferred", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const up = (await vms.list()).find((vm) => vm.status === types.VmStatus.UP);
  assert.ok(up, "the seed has a running VM");
  const attachments = vms.vmService(up.id!).diskAttachmentsService();
  const plugged = (await attachments.list()).find((attachment) => attachment.active !== false);
  assert.ok(plugged, `${up.name} has a plugged disk`);
  const disk = await connection.systemService().disksService().diskService(plugged.id!).get();
  const transfers = connection.systemService().imageTransfersService();
  const download = { disk: { id: disk.id }, direction: types.ImageTransferDirection.DOWNLOAD };
  await rejectsWith(
    transfers.add(download),
    409,
    new RegExp(
      `^\\[Cannot transfer Virtual Disk\\. The disk ${disk.name} is plugged to non-Down VMs: .*\\b${up.name}\\b`,
    ),
  );
  // A backup's transfer reads the disk of a running VM.
  const backupId = await readyBackup(connection, up.id!, disk.id!);
  const backup = await transfers.add({ ...download, backup: { id: backupId } });
  assert.equal(backup.phase, types.ImageTransferPhase.INITIALIZING);
});

Deno.test("rules: a disk of provisioned size 0 is refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const disks = session.connection.systemService().disksService();
  await rejectsWith(
    disks.add({
      name: "empty",
      provisionedSize: 0,
      format: types.DiskFormat.RAW,
      storageDomains: [{ name: "data" }],
    }),
    400,
    /^\[Cannot add Virtual Disk\. Disk's provisioned size has to be greater than 0\.\]$/,
  );
  assert.deepEqual((await disks.list({ search: "name=empty" })).map((disk) => disk.name), []);
});

/** A disk named `name` of `size` bytes in `format` on domain `data`, once it is `ok`. */
async function newDisk(
  connection: Connection,
  name: string,
  format: types.DiskFormat,
  size = MIB,
): Promise<string> {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name,
    provisionedSize: size,
    format,
    storageDomains: [{ name: "data" }],
  });
  await diskStatus(connection, disk.id!, "ok");
  return disk.id!;
}

Deno.test("rules: an abandoned transfer ends after its inactivity timeout, by its policy", async () => {
  await using session = await simulatorSession({ delay: 50 });
  const { connection } = session;
  const { DOWNLOAD, UPLOAD } = types.ImageTransferDirection;
  const { CANCEL, LEGACY, PAUSE } = types.ImageTransferTimeoutPolicy;
  const cases = [
    { direction: DOWNLOAD, policy: LEGACY, stopped: "cancelled_system", disk: "ok" },
    { direction: UPLOAD, policy: LEGACY, stopped: "paused_system", disk: "locked" },
    { direction: DOWNLOAD, policy: PAUSE, stopped: "paused_system", disk: "locked" },
    { direction: UPLOAD, policy: CANCEL, stopped: "cancelled_system", disk: "illegal" },
  ];
  const transfers = connection.systemService().imageTransfersService();
  const started = await Promise.all(cases.map(async (each, index) => {
    const diskId = await newDisk(connection, `idle${index}`, types.DiskFormat.RAW);
    const transfer = await startTransfer(connection, diskId, {
      direction: each.direction,
      inactivityTimeout: 1,
      timeoutPolicy: each.policy,
    });
    return { ...each, diskId, service: transfers.imageTransferService(transfer.id!) };
  }));
  // Nobody uses the tickets; only the API is asked how the transfers are.
  await Promise.all(started.map(async (each) => {
    const seen = new Set<string>();
    const ended = each.stopped === "paused_system" ? ["paused_system"] : ["finished_failure"];
    await waitFor(() => each.service.get(), (t) => {
      seen.add(t.phase!);
      return ended.includes(t.phase!);
    }, { interval: 10, timeout: 5000 });
    assert.ok(seen.has(each.stopped), `${each.direction} ${each.policy}: ${[...seen]}`);
    await diskStatus(connection, each.diskId, each.disk);
  }));
});

Deno.test("rules: a transfer in use is not stopped for inactivity", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await newDisk(connection, "busy", types.DiskFormat.RAW);
  const transfer = await startTransfer(connection, diskId, {
    direction: types.ImageTransferDirection.DOWNLOAD,
    inactivityTimeout: 1,
  });
  for (let tick = 0; tick < 6; tick++) {
    const options = await fetch(transfer.proxyUrl!, { method: "OPTIONS" });
    await options.body?.cancel();
    assert.equal(options.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const service = connection.systemService().imageTransfersService().imageTransferService(
    transfer.id!,
  );
  assert.equal((await service.get()).phase, types.ImageTransferPhase.TRANSFERRING);
  await service.cancel();
});

Deno.test("rules: a download whose reader pauses is not stopped while its request is open", async () => {
  // As imageio: a ticket with a request in progress is never idle, however slowly it moves.
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await newDisk(connection, "slow-reader", types.DiskFormat.RAW, 16 * MIB);
  const transfer = await startTransfer(connection, diskId, {
    direction: types.ImageTransferDirection.DOWNLOAD,
    inactivityTimeout: 1,
  });
  const response = await fetch(transfer.proxyUrl!);
  const reader = response.body!.getReader();
  let read = (await reader.read()).value!.length;
  await new Promise((resolve) => setTimeout(resolve, 2500)); // the reader's consumer is busy
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    read += chunk.value.length;
  }
  assert.equal(read, 16 * MIB, "the whole body came");
  const service = connection.systemService().imageTransfersService().imageTransferService(
    transfer.id!,
  );
  assert.equal((await service.get()).phase, types.ImageTransferPhase.TRANSFERRING);
  await service.cancel();
});

Deno.test("rules: an inactivity timeout past what a timer holds is kept without spinning", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await newDisk(connection, "long-wait", types.DiskFormat.RAW);
  // A delay past 2^31 - 1 ms fires at once: a watch re-armed with one would spin.
  const realSetTimeout = globalThis.setTimeout;
  let overlong = 0;
  globalThis.setTimeout = ((handler: () => void, delay?: number) => {
    if ((delay ?? 0) > 2 ** 31 - 1) overlong++;
    return realSetTimeout(handler, delay);
  }) as typeof setTimeout;
  try {
    const transfer = await startTransfer(connection, diskId, {
      direction: types.ImageTransferDirection.DOWNLOAD,
      inactivityTimeout: 2 ** 31 - 1, // seconds: some 68 years
    });
    await new Promise((resolve) => realSetTimeout(resolve, 300));
    const service = connection.systemService().imageTransfersService().imageTransferService(
      transfer.id!,
    );
    assert.equal((await service.get()).phase, types.ImageTransferPhase.TRANSFERRING);
    await service.cancel();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(overlong, 0, "no timer armed past what it can hold");
});

/** Writes `bytes` at `offset` through the transfer's ticket; answers the status. */
async function put(transfer: types.ImageTransfer, offset: number, bytes: Uint8Array<ArrayBuffer>) {
  const response = await fetch(transfer.proxyUrl!, {
    method: "PUT",
    headers: { "Content-Range": `bytes ${offset}-${offset + bytes.length - 1}/*` },
    body: bytes,
  });
  await response.body?.cancel();
  return response.status;
}

/** Reads `length` bytes at `offset` through the transfer's ticket, and the image's size. */
async function get(transfer: types.ImageTransfer, offset: number, length: number) {
  const response = await fetch(transfer.proxyUrl!, {
    headers: { Range: `bytes=${offset}-${offset + length - 1}` },
  });
  assert.equal(response.status, 206);
  const total = Number(response.headers.get("Content-Range")!.split("/")[1]);
  return { bytes: new Uint8Array(await response.arrayBuffer()), total };
}

/** Finalizes `transfer` and waits until its disk is `ok` again. */
async function finish(connection: Connection, transfer: types.ImageTransfer, diskId: string) {
  const transfers = connection.systemService().imageTransfersService();
  await transfers.imageTransferService(transfer.id!).finalize();
  await diskStatus(connection, diskId, "ok");
}

/** A cow disk of 64 MiB into which a qcow2 file whose guest cluster 5 holds 0xab was uploaded. */
async function uploadedQcow2(connection: Connection, name: string): Promise<string> {
  const file = qcow2(); // 64 MiB; guest cluster 5 in the file's cluster 3
  file.fill(0xab, 3 * CLUSTER, 4 * CLUSTER);
  const diskId = await newDisk(connection, name, types.DiskFormat.COW, 64 * MIB);
  const upload = await startTransfer(connection, diskId, { format: types.DiskFormat.COW });
  assert.equal(await put(upload, 0, file), 200);
  await finish(connection, upload, diskId);
  return diskId;
}

const DOWNLOAD = { direction: types.ImageTransferDirection.DOWNLOAD };

Deno.test("rules: a transfer without format takes its disk's", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  for (const format of [types.DiskFormat.COW, types.DiskFormat.RAW]) {
    const diskId = await newDisk(connection, `plain-${format}`, format);
    const transfer = await startTransfer(connection, diskId, DOWNLOAD);
    assert.equal(transfer.format, format);
    await connection.systemService().imageTransfersService().imageTransferService(transfer.id!)
      .cancel();
  }
});

Deno.test("rules: a raw download of an uploaded qcow2 gives the guest's data", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await uploadedQcow2(connection, "q");
  const raw = await startTransfer(connection, diskId, {
    ...DOWNLOAD,
    format: types.DiskFormat.RAW,
  });
  const head = await get(raw, 0, 4);
  assert.equal(head.total, 64 * MIB, "the guest's size");
  assert.deepEqual([...head.bytes], [0, 0, 0, 0], "no qcow2 header in the guest's data");
  const data = await get(raw, 5 * CLUSTER, CLUSTER);
  assert.ok(data.bytes.every((byte) => byte === 0xab));
  const transfers = connection.systemService().imageTransfersService();
  await transfers.imageTransferService(raw.id!).cancel();
  await diskStatus(connection, diskId, "ok");
  // The qcow2 file itself, as uploaded, in its own format.
  const file = await startTransfer(connection, diskId, DOWNLOAD);
  assert.equal(file.format, types.DiskFormat.COW);
  const fileHead = await get(file, 0, 4);
  assert.deepEqual([...fileHead.bytes], [0x51, 0x46, 0x49, 0xfb]);
  assert.equal(fileHead.total, 4 * CLUSTER, "the file's size");
});

Deno.test("rules: a backup's transfer moves the guest's data whatever its format", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await uploadedQcow2(connection, "backed");
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm003" });
  await vms.vmService(vm.id!).diskAttachmentsService().add({
    disk: { id: diskId },
    interface: types.DiskInterface.VIRTIO,
    active: true,
  });
  const backup = { id: await readyBackup(connection, vm.id!, diskId) };
  const transfer = await startTransfer(connection, diskId, { ...DOWNLOAD, backup });
  assert.equal(transfer.format, types.DiskFormat.COW, "the disk's, as the engine shows it");
  assert.deepEqual([...(await get(transfer, 0, 4)).bytes], [0, 0, 0, 0]);
  assert.ok((await get(transfer, 5 * CLUSTER, CLUSTER)).bytes.every((byte) => byte === 0xab));
});

Deno.test("rules: a raw transfer of a qcow2 the simulator cannot read is refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await newDisk(connection, "zipped", types.DiskFormat.COW, 64 * MIB);
  const upload = await startTransfer(connection, diskId, { format: types.DiskFormat.COW });
  assert.equal(await put(upload, 0, qcow2({ compressed: true })), 200);
  await finish(connection, upload, diskId);
  const transfers = connection.systemService().imageTransfersService();
  await rejectsWith(
    transfers.add({ disk: { id: diskId }, ...DOWNLOAD, format: types.DiskFormat.RAW }),
    409,
    /cannot read the disk's qcow2 image: it has compressed clusters/,
  );
});

Deno.test("rules: raw data uploaded into a qcow2 disk is its guest's, and a cow download a qcow2 file", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const diskId = await uploadedQcow2(connection, "mixed");
  const raw = await startTransfer(connection, diskId, { format: types.DiskFormat.RAW });
  assert.equal(await put(raw, 0, new Uint8Array(CLUSTER).fill(0xcd)), 200);
  await finish(connection, raw, diskId);
  const check = await startTransfer(connection, diskId, {
    ...DOWNLOAD,
    format: types.DiskFormat.RAW,
  });
  assert.ok((await get(check, 0, CLUSTER)).bytes.every((byte) => byte === 0xcd));
  assert.ok((await get(check, 5 * CLUSTER, CLUSTER)).bytes.every((byte) => byte === 0xab));
  await connection.systemService().imageTransfersService().imageTransferService(check.id!).cancel();
  await diskStatus(connection, diskId, "ok");
  // In its own format the disk is a qcow2 file whose tables lead to the same guest bytes.
  const file = await startTransfer(connection, diskId, DOWNLOAD);
  const { total } = await get(file, 0, 4);
  const whole = (await get(file, 0, total)).bytes;
  assert.ok(guestCluster(whole, 0)?.every((byte) => byte === 0xcd));
  assert.ok(guestCluster(whole, 5)?.every((byte) => byte === 0xab));
  assert.equal(guestCluster(whole, 20), undefined, "an unwritten cluster has no data cluster");
});

/** The bytes of guest cluster `index` in qcow2 file `file` (64 KiB clusters), if it has any. */
function guestCluster(file: Uint8Array, index: number): Uint8Array | undefined {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  assert.equal(view.getUint32(0), 0x514649fb);
  assert.equal(view.getUint32(20), 16);
  const mask = 0x00fffffffffffe00n;
  const l1 = Number(view.getBigUint64(40));
  const l2 = Number(view.getBigUint64(l1 + Math.floor(index / 8192) * 8) & mask);
  if (l2 === 0) return undefined;
  const data = Number(view.getBigUint64(l2 + (index % 8192) * 8) & mask);
  return data === 0 ? undefined : file.subarray(data, data + CLUSTER);
}

/**
 * The simulator's image transfers follow the engine's rules, over real HTTP: a transfer
 * without `format` takes the disk's; `format` `raw` moves a qcow2 disk's guest data (and a
 * `cow` transfer of a disk holding guest data moves a qcow2 file); no transfer of an
 * `illegal` disk nor of one plugged into a running VM; no disk of size 0; and an abandoned
 * transfer ends on its own after its `inactivity_timeout`.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitFor } from "../mod.ts";
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
  const backup = await transfers.add({ ...download, backup: { id: "b0" } });
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

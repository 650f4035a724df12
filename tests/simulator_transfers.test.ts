/**
 * Image transfers against the simulator, through the SDK's upload and download helpers:
 * bytes go to the simulator's own `/images/{ticket}` endpoint and come back unchanged.
 */

import assert from "node:assert/strict";
import {
  downloadDisk,
  type OvirtError,
  types,
  uploadDisk,
  waitFor,
  waitForStatus,
} from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const POLL = { interval: 5, timeout: 5000 };

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  return bytes;
}

Deno.test("simulator: upload then download a disk image", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const disks = connection.systemService().disksService();
  const size = 3 * MIB + 12345;
  const disk = await disks.add({
    name: "uploaded",
    provisionedSize: size,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  assert.equal(disk.status, types.DiskStatus.LOCKED);
  const diskService = disks.diskService(disk.id!);
  await waitForStatus(diskService, types.DiskStatus.OK, POLL);

  const content = pattern(size);
  const progress: number[] = [];
  const uploaded = await uploadDisk(connection, disk.id!, content, size, {
    chunkSize: MIB,
    pollInterval: 5,
    onProgress: ({ transferred }) => progress.push(transferred),
  });
  assert.equal(uploaded.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
  // Chunks go in parallel: one report per chunk, growing, in whatever order they finish.
  assert.equal(progress.length, 4);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.equal(progress.at(-1), size);
  const after = await waitForStatus(diskService, types.DiskStatus.OK, POLL);
  assert.equal(after.actualSize, size);

  const received: Uint8Array[] = [];
  const written = await downloadDisk(
    connection,
    disk.id!,
    new WritableStream({ write: (chunk) => void received.push(chunk.slice()) }),
    { chunkSize: 2 * MIB, pollInterval: 5 },
  );
  assert.equal(written, size);
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const piece of received) {
    joined.set(piece, offset);
    offset += piece.length;
  }
  assert.deepEqual(joined, content);
});

Deno.test("simulator: a failed upload is cancelled and its disk left illegal", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "small",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, POLL);
  // A source shorter than announced fails the upload once bytes have moved.
  await assert.rejects(
    uploadDisk(connection, disk.id!, pattern(MIB / 2), MIB, {
      chunkSize: MIB,
      pollInterval: 5,
    }),
    (error: OvirtError) => /The source ended after/.test(error.message),
  );
  const transfers = await connection.systemService().imageTransfersService().list();
  const mine = transfers.filter((transfer) => transfer.disk?.id === disk.id);
  assert.equal(mine.length, 1);
  const transferService = connection.systemService().imageTransfersService().imageTransferService(
    mine[0].id!,
  );
  const ended = await waitFor(
    () => transferService.get(),
    (transfer) => transfer.phase === types.ImageTransferPhase.FINISHED_FAILURE,
    POLL,
  );
  assert.equal(ended.phase, types.ImageTransferPhase.FINISHED_FAILURE);
  assert.equal((await disks.diskService(disk.id!).get()).status, types.DiskStatus.ILLEGAL);
});

/**
 * `uploadDisk` into an existing disk, over real HTTP against the simulator: what the disk
 * cannot take (more raw bytes than its size, a qcow2 image larger than it or into a raw
 * disk) is refused before the transfer is created, the disk left `ok` and the source
 * cancelled; a failure once the transfer was made says that the disk may now be illegal.
 */

import assert from "node:assert/strict";
import {
  type Connection,
  downloadDisk,
  OvirtError,
  types,
  uploadDisk,
  waitForStatus,
} from "../mod.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";
import { qcow2 } from "./qcow2_image.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB };

/** A `cow` disk of `size` bytes on the storage domain `data`, once it is `ok`. */
async function cowDisk(connection: Connection, size: number): Promise<string> {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "cow-target",
    provisionedSize: size,
    format: types.DiskFormat.COW,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, {
    interval: 5,
    timeout: 5000,
  });
  return disk.id!;
}

/** A stream of `bytes` that notes whether it was cancelled. */
function source(bytes: Uint8Array) {
  const seen = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

/** Asserts that `upload` is refused before any transfer of `diskId`, which stays `ok`. */
async function refusedUpFront(
  connection: Connection,
  diskId: string,
  upload: Promise<unknown>,
  why: string,
) {
  await assert.rejects(upload, (error) => {
    assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
    assert.match(error.message, new RegExp(`^Cannot upload into disk ${diskId} \\("[^"]*"\\): `));
    assert.ok(error.message.endsWith(why), error.message);
    return true;
  });
  const transfers = await connection.systemService().imageTransfersService().list();
  assert.deepEqual(transfers.filter((transfer) => transfer.disk?.id === diskId), []);
  const disk = await connection.systemService().disksService().diskService(diskId).get();
  assert.equal(disk.status, types.DiskStatus.OK);
}

Deno.test("uploadDisk: more raw bytes than the disk holds are refused before the transfer", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const diskId = await rawDisk(t.connection, MIB);
  const { stream, seen } = source(new Uint8Array(2 * MIB).fill(1));
  await refusedUpFront(
    t.connection,
    diskId,
    uploadDisk(t.connection, diskId, stream, 2 * MIB, FAST),
    `${2 * MIB} bytes do not fit the ${MIB} of the disk`,
  );
  assert.ok(seen.cancelled, "the source was cancelled");
  // Raw bytes into a cow disk are held to its size too.
  const cow = await cowDisk(t.connection, MIB);
  const bytes = new Uint8Array(MIB + 512).fill(1);
  await refusedUpFront(
    t.connection,
    cow,
    uploadDisk(t.connection, cow, bytes, bytes.length, { ...FAST, format: types.DiskFormat.RAW }),
    `${MIB + 512} bytes do not fit the ${MIB} of the disk`,
  );
});

Deno.test("uploadDisk: a qcow2 image into a raw disk, or larger than the disk, is refused", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const image = qcow2({ size: 8 * MIB });
  const raw = await rawDisk(t.connection, 8 * MIB);
  await refusedUpFront(
    t.connection,
    raw,
    uploadDisk(t.connection, raw, image, image.length, { ...FAST, format: types.DiskFormat.COW }),
    "a qcow2 image goes into a cow disk, not raw",
  );
  // Into a cow disk, with the disk's own format: its header's size is held to the disk's.
  const small = await cowDisk(t.connection, 4 * MIB);
  await refusedUpFront(
    t.connection,
    small,
    uploadDisk(t.connection, small, image, image.length, FAST),
    `the qcow2 image's ${8 * MIB} bytes do not fit the ${4 * MIB} of the disk`,
  );
  // One that fits goes, every byte of it, however small the stream's first pieces.
  const fits = await cowDisk(t.connection, 8 * MIB);
  const pieces = [image.subarray(0, 10), image.subarray(10, 20), image.subarray(20)];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  const transfer = await uploadDisk(t.connection, fits, stream, image.length, FAST);
  assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
  const received: Uint8Array<ArrayBuffer>[] = [];
  await downloadDisk(
    t.connection,
    fits,
    new WritableStream({ write: (c) => void received.push(c.slice()) }),
  );
  const stored = new Uint8Array(await new Blob(received).arrayBuffer());
  assert.deepEqual(stored.subarray(0, image.length), image);
});

Deno.test("uploadDisk: raw bytes sent as a cow disk's qcow2 file are refused; as raw they go", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const cow = await cowDisk(t.connection, MIB);
  const bytes = new Uint8Array(MIB).fill(7);
  await refusedUpFront(
    t.connection,
    cow,
    uploadDisk(t.connection, cow, bytes, bytes.length, FAST),
    `the source is no qcow2 image, and the upload is a cow (qcow2) one, the disk's format: ` +
      `give format "raw" to write raw guest data into the disk`,
  );
  const sent = await uploadDisk(t.connection, cow, bytes, bytes.length, {
    ...FAST,
    format: types.DiskFormat.RAW,
  });
  assert.equal(sent.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
});

Deno.test("uploadDisk: a failure once the transfer is made says the disk may now be illegal", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const diskId = await rawDisk(t.connection, MIB);
  await assert.rejects(
    uploadDisk(t.connection, diskId, new Uint8Array(MIB / 2).fill(3), MIB, FAST),
    (error) => {
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      assert.match(error.message, /^The source ended after/);
      assert.ok(
        error.message.endsWith(
          `; the engine may have marked disk ${diskId} illegal, as it does after a failed upload`,
        ),
        error.message,
      );
      return true;
    },
  );
  const disk = await t.connection.systemService().disksService().diskService(diskId).get();
  assert.equal(disk.status, types.DiskStatus.ILLEGAL);
});

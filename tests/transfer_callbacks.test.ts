/**
 * `onDisk` and `onTransfer` of the image transfer helpers, over real HTTP against the
 * simulator: they are told the ids the engine gave as soon as it gave them (the transfer still
 * open, no byte sent yet), also when an abort comes while the engine makes them, and one that
 * throws fails the call with its error once the transfer is cancelled and the new disk removed.
 */

import assert from "node:assert/strict";
import {
  type Connection,
  downloadDisk,
  downloadImage,
  type ImageTransferOptions,
  NotFoundError,
  types,
  uploadDisk,
  uploadImage,
} from "../mod.ts";
import type { Simulator } from "../testing/mod.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB, connections: 1 };

/** A file of `size` bytes of data (no zeros). */
async function dataFile(size: number): Promise<string> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 131) % 251) + 1;
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-callbacks-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/** What a callback saw when it was called: the object, the bytes written so far, and its look-up. */
interface Seen<T> {
  value: T;
  bytesWritten: number;
  /** The object as the simulator had it then (asked for at once, answered later). */
  asked: Promise<T>;
}

/** A callback noting each object it is given, with the simulator's state at that moment. */
function noting<T extends { id?: string }>(
  sim: Simulator,
  lookUp: (id: string) => Promise<T>,
): { calls: Seen<T>[]; callback: (value: T) => void } {
  const calls: Seen<T>[] = [];
  const callback = (value: T) => {
    calls.push({
      value,
      bytesWritten: sim.imageTraffic.bytesWritten,
      asked: lookUp(value.id!),
    });
  };
  return { calls, callback };
}

function transferService(connection: Connection, id: string) {
  return connection.systemService().imageTransfersService().imageTransferService(id);
}

function diskService(connection: Connection, id: string) {
  return connection.systemService().disksService().diskService(id);
}

/** Phases of a transfer that was cancelled, on its way to its end or at it. */
const CANCELLED = /^(cancelled|finalizing_cleanup|finished_cleanup|finished_failure)/;

Deno.test("uploadImage tells the new disk, then the open transfer, before any byte is sent", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(3 * MIB);
  try {
    const disks = noting(t.sim, (id) => diskService(t.connection, id).get());
    const transfers = noting(t.sim, (id) => transferService(t.connection, id).get());
    const order: string[] = [];
    const result = await uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: "data",
      name: "told",
      onDisk: (disk) => {
        order.push("disk");
        disks.callback(disk);
      },
      onTransfer: (transfer) => {
        order.push("transfer");
        transfers.callback(transfer);
      },
    });
    assert.deepEqual(order, ["disk", "transfer"]);
    const [disk] = disks.calls;
    assert.equal(disk.value.id, result.disk.id);
    assert.equal(disk.value.name, "told");
    assert.equal((await disk.asked).id, result.disk.id, "the engine had the disk then");
    const [transfer] = transfers.calls;
    assert.equal(transfer.value.id, result.transfer.id);
    assert.equal(transfer.bytesWritten, 0, "no byte was sent before it was told");
    const then = await transfer.asked;
    assert.equal(then.disk?.id, result.disk.id);
    assert.match(String(then.phase), /^(initializing|transferring)$/, "still open then");
    assert.equal(result.transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadDisk, downloadDisk and downloadImage tell their transfer once, while it is open", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const diskId = await rawDisk(t.connection, 2 * MIB);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-callbacks-" });
  try {
    const runs: [string, (options: ImageTransferOptions) => Promise<unknown>][] = [
      [
        "uploadDisk",
        (options) => uploadDisk(t.connection, diskId, new Uint8Array(2 * MIB), 2 * MIB, options),
      ],
      [
        "downloadDisk",
        (options) => downloadDisk(t.connection, diskId, new WritableStream(), options),
      ],
      [
        "downloadImage",
        (options) => downloadImage(t.connection, diskId, `${dir}/disk.raw`, options),
      ],
    ];
    for (const [name, run] of runs) {
      const seen = noting(t.sim, (id) => transferService(t.connection, id).get());
      await run({ ...FAST, onTransfer: seen.callback });
      assert.equal(seen.calls.length, 1, name);
      const then = await seen.calls[0].asked;
      assert.equal(then.disk?.id, diskId, name);
      assert.match(String(then.phase), /^(initializing|transferring)$/, `${name}: open then`);
      const now = await transferService(t.connection, seen.calls[0].value.id!).get();
      assert.equal(now.phase, types.ImageTransferPhase.FINISHED_SUCCESS, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an onTransfer that throws: uploadImage cancels the transfer, removes the disk and rejects with its error", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(2 * MIB);
  try {
    const thrown = new Error("cannot note the transfer");
    let diskId = "", transferId = "";
    await assert.rejects(
      uploadImage(t.connection, path, {
        ...FAST,
        storageDomain: "data",
        onDisk: (disk) => void (diskId = disk.id!),
        onTransfer: (transfer) => {
          transferId = transfer.id!;
          throw thrown;
        },
      }),
      (error) => error === thrown,
    );
    assert.equal(t.sim.imageTraffic.bytesWritten, 0);
    const transfer = await transferService(t.connection, transferId).get();
    assert.match(String(transfer.phase), CANCELLED);
    await assert.rejects(diskService(t.connection, diskId).get(), NotFoundError);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an onDisk that throws: uploadImage removes the disk, makes no transfer and rejects with its error", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(MIB);
  try {
    const thrown = new Error("cannot note the disk");
    let diskId = "";
    let told = false;
    await assert.rejects(
      uploadImage(t.connection, path, {
        ...FAST,
        storageDomain: "data",
        onDisk: (disk) => {
          diskId = disk.id!;
          throw thrown;
        },
        onTransfer: () => void (told = true),
      }),
      (error) => error === thrown,
    );
    assert.equal(told, false);
    await assert.rejects(diskService(t.connection, diskId).get(), NotFoundError);
    const transfers = await t.connection.systemService().imageTransfersService().list();
    assert.deepEqual(transfers.filter((transfer) => transfer.disk?.id === diskId), []);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an onTransfer that throws: downloadImage cancels the transfer, leaves no file and rejects with its error", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const diskId = await rawDisk(t.connection, 2 * MIB);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-callbacks-" });
  try {
    const thrown = new Error("cannot note the transfer");
    let transferId = "";
    await assert.rejects(
      downloadImage(t.connection, diskId, `${dir}/disk.raw`, {
        ...FAST,
        onTransfer: (transfer) => {
          transferId = transfer.id!;
          throw thrown;
        },
      }),
      (error) => error === thrown,
    );
    assert.match(String((await transferService(t.connection, transferId).get()).phase), CANCELLED);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an abort while the transfer is created: onTransfer is told of what the engine made, which is cancelled", async () => {
  let diskRead = () => {};
  await using t = await simulatorSession({
    delay: 0,
    log: (line) => /^GET \S*\/disks\/[^/\s]+ 200$/.test(line) && diskRead(),
  });
  const diskId = await rawDisk(t.connection, MIB);
  // Once uploadDisk has read the disk, the add is answered after 300 ms.
  diskRead = () => {
    diskRead = () => {};
    t.sim.setFaults({ latency: 300 });
  };
  const controller = new AbortController();
  const reason = new Error("operator pressed Ctrl-C");
  setTimeout(() => controller.abort(reason), 150);
  const told: types.ImageTransfer[] = [];
  await assert.rejects(
    uploadDisk(t.connection, diskId, new Uint8Array(MIB), MIB, {
      ...FAST,
      signal: controller.signal,
      onTransfer: (transfer) => {
        told.push(transfer);
        throw new Error("not what the call rejects with: the abort's reason is");
      },
    }),
    (error) => error === reason,
  );
  t.sim.setFaults({ latency: undefined });
  assert.equal(told.length, 1);
  const transfer = await transferService(t.connection, told[0].id!).get();
  assert.equal(transfer.disk?.id, diskId);
  assert.match(String(transfer.phase), CANCELLED);
});

Deno.test("an abort while uploadImage creates its disk: onDisk is told of the disk, which is removed", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(MIB);
  try {
    t.sim.setFaults({ latency: 300 }); // the disk's add is answered after 300 ms
    const controller = new AbortController();
    const reason = new Error("operator pressed Ctrl-C");
    const told: types.Disk[] = [];
    const upload = uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: { name: "data" },
      name: "aborted",
      signal: controller.signal,
      onDisk: (disk) => void told.push(disk),
    });
    setTimeout(() => controller.abort(reason), 150);
    await assert.rejects(upload, (error) => error === reason);
    t.sim.setFaults({ latency: undefined });
    assert.deepEqual(told.map((disk) => disk.name), ["aborted"]);
    await assert.rejects(diskService(t.connection, told[0].id!).get(), NotFoundError);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadImage aborted before it began makes no disk", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(MIB);
  try {
    for (const keepDiskOnFailure of [false, true]) {
      const reason = new Error("the job was cancelled before this step");
      const name = `never-${keepDiskOnFailure}`;
      const told: types.Disk[] = [];
      await assert.rejects(
        uploadImage(t.connection, path, {
          ...FAST,
          storageDomain: { name: "data" },
          name,
          keepDiskOnFailure,
          signal: AbortSignal.abort(reason),
          onDisk: (disk) => void told.push(disk),
        }),
        (error) => error === reason,
      );
      assert.equal(t.sim.addCount(name), 0, "no disk was asked for");
      assert.deepEqual(told, []);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an abort while uploadImage creates its disk, with keepDiskOnFailure: the kept disk is named", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(MIB);
  try {
    t.sim.setFaults({ latency: 300 }); // the disk's add is answered after 300 ms
    const controller = new AbortController();
    const upload = uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: { name: "data" },
      name: "kept",
      keepDiskOnFailure: true,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("operator pressed Ctrl-C")), 150);
    const error = await upload.then(() => undefined, (failure) => failure);
    t.sim.setFaults({ latency: undefined });
    const [kept] = (await t.connection.systemService().disksService().list())
      .filter((disk) => disk.name === "kept");
    assert.ok(kept, "the disk is kept");
    assert.equal(
      (error as Error).message,
      `operator pressed Ctrl-C; disk ${kept.id} ("kept") is kept (keepDiskOnFailure)`,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("async callbacks are awaited: one that rejects fails the call, which cleans up", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const path = await dataFile(MIB);
  try {
    const noted: string[] = [];
    const { disk, transfer } = await uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: "data",
      onDisk: async (made) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        noted.push(`disk ${made.id}`);
      },
      onTransfer: async (made) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        noted.push(`transfer ${made.id}`);
      },
    });
    assert.deepEqual(noted, [`disk ${disk.id}`, `transfer ${transfer.id}`]);
    const rejected = new Error("the state file cannot be written");
    let diskId = "";
    await assert.rejects(
      uploadImage(t.connection, path, {
        ...FAST,
        storageDomain: "data",
        onTransfer: async (made) => {
          diskId = made.disk!.id!;
          await Promise.resolve();
          throw rejected;
        },
      }),
      (error) => error === rejected,
    );
    await assert.rejects(diskService(t.connection, diskId).get(), NotFoundError);
  } finally {
    await Deno.remove(path);
  }
});

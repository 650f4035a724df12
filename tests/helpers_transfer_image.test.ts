/**
 * `uploadImage` and `downloadImage` against the simulator over real HTTP: disk creation
 * from the image header, holes as PATCH zero, parallel connections, sparse downloads,
 * verification, and every engine path (proxy fallback, forgotten transfers, pauses,
 * cancellations, inactivity, legacy daemons, aborts).
 */

import assert from "node:assert/strict";
import {
  Connection,
  ConnectionError,
  downloadImage,
  NotFoundError,
  OvirtError,
  types,
  uploadDisk,
  uploadImage,
  type UploadImageOptions,
} from "../mod.ts";
import { startSimulator, type TransferQuirks } from "../testing/mod.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB };

/** A simulator and a connection to it. */
function setup(quirks: TransferQuirks = {}) {
  return simulatorSession({ delay: 0, transfers: quirks });
}

/** Bytes that are not zero anywhere, different for each `seed`. */
function data(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((i * 131 + seed * 7) % 251) + 1;
  return bytes;
}

/** A sparse file of `size` bytes with data written at the given offsets (a hole elsewhere). */
async function sparseFile(size: number, pieces: [number, Uint8Array][]): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-image-", suffix: ".raw" });
  using file = await Deno.open(path, { write: true });
  await file.truncate(size);
  for (const [offset, bytes] of pieces) {
    await file.seek(offset, Deno.SeekMode.Start);
    await file.write(bytes);
  }
  return path;
}

/** The sparse test image: 16 MiB, data at 1 MiB (1 MiB) and at 9 MiB (2 MiB + 5 bytes). */
const SIZE = 16 * MIB;
const PIECES: [number, Uint8Array][] = [[MIB, data(MIB, 1)], [9 * MIB, data(2 * MIB + 5, 2)]];

function expected(): Uint8Array {
  const bytes = new Uint8Array(SIZE);
  for (const [offset, piece] of PIECES) bytes.set(piece, offset);
  return bytes;
}

async function upload(
  connection: Connection,
  path: string,
  options: Partial<UploadImageOptions> = {},
) {
  return await uploadImage(connection, path, { storageDomain: "data", ...FAST, ...options });
}

async function downloaded(connection: Connection, diskId: string): Promise<Uint8Array> {
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-download-" });
  try {
    await downloadImage(connection, diskId, path, { ...FAST, overwrite: true });
    return await Deno.readFile(path);
  } finally {
    await Deno.remove(path);
  }
}

async function hasQemuImg(): Promise<boolean> {
  try {
    return (await new Deno.Command("qemu-img", { args: ["--version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

Deno.test("uploadImage: a sparse raw file becomes an ok raw disk; holes go as PATCH zero", async () => {
  await using t = await setup();
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk, transfer, image, stats } = await upload(t.connection, path, { name: "sparse" });
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.name, "sparse");
    assert.equal(disk.format, types.DiskFormat.RAW);
    assert.equal(disk.provisionedSize, SIZE);
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.equal(image.format, types.DiskFormat.RAW);
    assert.equal(stats.mapMethod, "seek", "tests run with --allow-ffi: lseek finds the holes");
    assert.equal(stats.via, "transfer_url");
    // Only the data travelled, rounded to the filesystem's blocks.
    assert.ok(stats.dataBytes >= 3 * MIB + 5 && stats.dataBytes <= 3 * MIB + 64 * 1024);
    assert.equal(stats.zeroBytes, SIZE - stats.dataBytes);
    assert.equal(t.sim.imageTraffic.bytesWritten, stats.dataBytes);
    assert.ok(t.sim.imageTraffic.requests.PATCH >= 3, "zero ranges and one flush");
    assert.equal(t.sim.imageTraffic.requests.OPTIONS, 1, "OPTIONS first");
    assert.deepEqual(await downloaded(t.connection, disk.id!), expected());
  } finally {
    await Deno.remove(path);
  }
});

for (const [label, methods] of [["qemu-img map", ["qemu-img"]], ["a zero scan", []]] as const) {
  Deno.test(`uploadImage: holes found by ${label} send the same bytes`, async (test) => {
    if (methods.length > 0 && !(await hasQemuImg())) {
      console.log("qemu-img is not installed: skipped (apt-get install qemu-utils)");
      return void test;
    }
    await using t = await setup();
    const path = await sparseFile(SIZE, PIECES);
    try {
      const { disk, stats } = await upload(t.connection, path, { mapMethods: methods });
      assert.equal(stats.mapMethod, methods.length > 0 ? "qemu-img" : "scan");
      if (methods.length > 0) {
        assert.ok(stats.dataBytes >= 3 * MIB + 5 && stats.dataBytes <= 3 * MIB + 64 * 1024);
      } else {
        // The scan reads everything but sends only the 1 MiB steps that hold data.
        assert.equal(stats.dataBytes, 4 * MIB);
      }
      assert.deepEqual(await downloaded(t.connection, disk.id!), expected());
    } finally {
      await Deno.remove(path);
    }
  });
}

Deno.test("uploadImage: several connections at once, never more than asked", async () => {
  await using t = await setup();
  const path = await sparseFile(24 * MIB, [[0, data(24 * MIB, 3)]]);
  try {
    const { stats } = await upload(t.connection, path, { connections: 3, chunkSize: MIB / 2 });
    assert.equal(stats.connections, 3);
    assert.equal(t.sim.imageTraffic.requests.PUT, 48);
    assert.ok(t.sim.imageTraffic.maxInFlight >= 2, "requests overlapped");
    assert.ok(t.sim.imageTraffic.maxInFlight <= 3, "at most 3 at once");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadImage: a chunk's data goes in PUTs of at most 2 MiB (fetch copies each body)", async () => {
  await using t = await setup();
  const content = data(9 * MIB, 4);
  const path = await sparseFile(9 * MIB, [[0, content]]);
  try {
    const { disk, stats } = await upload(t.connection, path, {
      connections: 1,
      chunkSize: 8 * MIB,
    });
    assert.equal(stats.dataBytes, 9 * MIB);
    // 8 MiB chunk: 4 PUTs of 2 MiB; the last chunk of 1 MiB: one PUT.
    assert.equal(t.sim.imageTraffic.requests.PUT, 5);
    assert.equal(t.sim.imageTraffic.bytesWritten, 9 * MIB);
    const target = await Deno.makeTempFile({ prefix: "ovirt-sdk-download-" });
    try {
      await downloadImage(t.connection, disk.id!, target, { ...FAST, overwrite: true });
      assert.deepEqual(await Deno.readFile(target), content);
    } finally {
      await Deno.remove(target);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("downloadImage: only data extents are fetched and the file keeps its holes", async () => {
  await using t = await setup();
  const source = await sparseFile(SIZE, PIECES);
  const target = await Deno.makeTempFile({ prefix: "ovirt-sdk-download-" });
  try {
    const { disk } = await upload(t.connection, source);
    const getsBefore = t.sim.imageTraffic.requests.GET ?? 0;
    const { stats, transfer } = await downloadImage(t.connection, disk.id!, target, {
      ...FAST,
      overwrite: true,
    });
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.equal(stats.size, SIZE);
    assert.equal(stats.dataBytes, 4 * MIB, "the simulator keeps data in 1 MiB chunks: 4 of them");
    assert.equal(t.sim.imageTraffic.requests.GET - getsBefore, 5, "extents, then 4 chunks");
    assert.deepEqual(await Deno.readFile(target), expected());
    const { blocks } = await Deno.stat(target);
    assert.ok(blocks !== null && blocks * 512 <= 4 * MIB, `allocated ${blocks! * 512} bytes`);
    await assert.rejects(
      downloadImage(t.connection, disk.id!, target, FAST),
      (error: OvirtError) => error instanceof OvirtError && /exists/.test(error.message),
    );
    const fresh = `${target}.new`;
    await downloadImage(t.connection, disk.id!, fresh, FAST);
    assert.deepEqual(await Deno.readFile(fresh), expected(), "a new file needs no overwrite");
    await Deno.remove(fresh);
  } finally {
    await Deno.remove(source);
    await Deno.remove(target);
  }
});

Deno.test("an unreachable transfer host: proxy_url is used", async () => {
  await using t = await setup({ unreachableHost: true });
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk, stats } = await upload(t.connection, path);
    assert.equal(stats.via, "proxy_url");
    assert.deepEqual(await downloaded(t.connection, disk.id!), expected());
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an older engine's 404 after finalize: the disk's status decides", async () => {
  await using t = await setup({ forgetFinished: true });
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk, transfer } = await upload(t.connection, path);
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.equal(disk.status, types.DiskStatus.OK);
    t.sim.setTransferQuirks({ forgetFinished: true, failVerification: true });
    await assert.rejects(
      upload(t.connection, path, { name: "bad", keepDiskOnFailure: true }),
      (error: OvirtError) => /failed: its disk is illegal/.test(error.message),
    );
    const [bad] = await t.connection.systemService().disksService().list({ search: "name=bad" });
    assert.equal(bad.status, types.DiskStatus.ILLEGAL);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a transfer paused by the system: the engine's reason, cancelled, disk removed", async () => {
  await using t = await setup({ pauseAfterBytes: MIB, pauseReason: "the host lost its storage" });
  const path = await sparseFile(SIZE, PIECES);
  try {
    await assert.rejects(
      upload(t.connection, path, {
        diskId: "d15c0000-0000-4000-8000-000000000001",
        connections: 1,
      }),
      (error: OvirtError) =>
        /paused by the system \(phase paused_system\): Transfer was stopped by system\. Reason: the host lost its storage\./
          .test(error.message) && error.cause instanceof OvirtError && error.cause.code === 403,
    );
    const transfer = await (await transferOf(t.connection, "d15c0000-0000-4000-8000-000000000001"))
      .get();
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_FAILURE, "cancelled");
    const disks = t.connection.systemService().disksService();
    await assert.rejects(
      disks.diskService("d15c0000-0000-4000-8000-000000000001").get(),
      NotFoundError,
      "the new disk is removed",
    );
  } finally {
    await Deno.remove(path);
  }
});

/**
 * A stream of `chunks` chunks of data; before the second one it runs `between` (which can
 * act on the transfer while the upload waits for its source).
 */
function slowSource(chunks: number, between: () => Promise<void>): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === 1) await between();
      if (sent === chunks) return controller.close();
      controller.enqueue(data(MIB, sent++));
    },
  }, { highWaterMark: 0 });
}

/** The service of the transfer of disk `diskId`. */
async function transferOf(connection: Connection, diskId: string) {
  const transfers = connection.systemService().imageTransfersService();
  const transfer = (await transfers.list()).find((item) => item.disk?.id === diskId);
  return transfers.imageTransferService(transfer!.id!);
}

for (
  const [action, message] of [
    ["pause", /was paused by a user \(phase paused_user\)/],
    [
      "cancel",
      /\(phase (cancelled_user|finalizing_failure|finished_failure)\): .*cancelled by a user/,
    ],
  ] as const
) {
  Deno.test(`a transfer ${action}ed by someone else is detected`, async () => {
    await using t = await setup();
    const diskId = await rawDisk(t.connection, 4 * MIB);
    const source = slowSource(4, async () => {
      await (await transferOf(t.connection, diskId))[action]();
    });
    await assert.rejects(
      uploadDisk(t.connection, diskId, source, 4 * MIB, { ...FAST, connections: 1 }),
      (error: OvirtError) => message.test(error.message),
    );
  });
}

Deno.test("a slow source: the ticket is kept alive past the inactivity timeout", async () => {
  await using t = await setup();
  const diskId = await rawDisk(t.connection, 3 * MIB);
  const stall = () => new Promise<void>((resolve) => setTimeout(resolve, 2500));
  const done = await uploadDisk(t.connection, diskId, slowSource(3, stall), 3 * MIB, {
    ...FAST,
    transfer: { inactivityTimeout: 2 },
  });
  assert.equal(done.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
  assert.ok(t.sim.imageTraffic.requests.OPTIONS >= 2, "keep-alive requests were sent");
});

Deno.test("a slow source without keep-alive: paused for inactivity, with the reason", async () => {
  await using t = await setup();
  const diskId = await rawDisk(t.connection, 3 * MIB);
  const stall = () => new Promise<void>((resolve) => setTimeout(resolve, 1500));
  await assert.rejects(
    uploadDisk(t.connection, diskId, slowSource(3, stall), 3 * MIB, {
      ...FAST,
      connections: 1,
      keepAliveInterval: 600_000,
      transfer: { inactivityTimeout: 1 },
    }),
    (error: OvirtError) =>
      /paused by the system \(phase paused_system\): .*inactive/.test(error.message),
  );
});

Deno.test("an abort cancels the transfer and rejects with the abort reason", async () => {
  await using t = await setup();
  const diskId = await rawDisk(t.connection, 4 * MIB);
  const controller = new AbortController();
  const reason = new Error("stop now");
  const source = slowSource(4, () => {
    controller.abort(reason);
    return Promise.resolve();
  });
  await assert.rejects(
    uploadDisk(t.connection, diskId, source, 4 * MIB, { ...FAST, signal: controller.signal }),
    (error: unknown) => error === reason,
  );
  const transfer = await (await transferOf(t.connection, diskId)).get();
  assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_FAILURE);
});

Deno.test("a legacy daemon (no OPTIONS, zero or extents): every byte is PUT, download works", async () => {
  await using t = await setup({ legacyDaemon: true });
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk, stats } = await upload(t.connection, path);
    assert.equal(stats.zeroBytes, 0);
    assert.equal(stats.dataBytes, SIZE);
    assert.equal(t.sim.imageTraffic.requests.PATCH ?? 0, 0);
    assert.deepEqual(await downloaded(t.connection, disk.id!), expected());
  } finally {
    await Deno.remove(path);
  }
});

for (const verify of ["checksum", "read-back"] as const) {
  Deno.test(`verify: ${verify} passes on a good upload and catches a bad byte`, async () => {
    await using t = await setup();
    const path = await sparseFile(SIZE, PIECES);
    try {
      const good = await upload(t.connection, path, { verify, name: "good" });
      assert.equal(good.verified, verify);
      t.sim.setTransferQuirks({ corruptAt: 9 * MIB + 1234 });
      await assert.rejects(
        upload(t.connection, path, { verify, name: "bad" }),
        (error: OvirtError) => /differs from/.test(error.message),
      );
    } finally {
      await Deno.remove(path);
    }
  });
}

Deno.test("uploadImage refuses what it cannot send before creating any disk", async () => {
  await using t = await setup();
  const disks = t.connection.systemService().disksService();
  const before = (await disks.list()).length;
  const path = await Deno.makeTempFile({ suffix: ".vmdk" });
  try {
    await Deno.writeFile(path, new TextEncoder().encode("KDMV" + "\0".repeat(600)));
    await assert.rejects(
      upload(t.connection, path),
      (error: OvirtError) => error instanceof OvirtError && /VMDK/.test(error.message),
    );
    await assert.rejects(
      upload(t.connection, path, { chunkSize: 0 }),
      (error: OvirtError) => /chunkSize must be a positive integer/.test(error.message),
    );
    // Times a timer cannot hold, or none at all: refused, not a timer firing at once.
    for (
      const [option, value] of [
        ["keepAliveInterval", NaN],
        ["keepAliveInterval", 0],
        ["keepAliveInterval", 2 ** 31],
        ["probeTimeout", -1],
        ["probeTimeout", Infinity],
        ["phaseTimeout", "5"],
      ] as const
    ) {
      await assert.rejects(upload(t.connection, path, { [option]: value }), (error: unknown) => {
        assert.ok(error instanceof OvirtError, String(error));
        assert.match(error.message, new RegExp(`${option} must be a number of milliseconds`));
        return true;
      });
    }
    assert.equal((await disks.list()).length, before);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadImage: provisionedSize makes a raw image's disk larger, never smaller", async () => {
  await using t = await setup();
  const disks = t.connection.systemService().disksService();
  const path = await sparseFile(2 * MIB, [[0, data(MIB)]]);
  try {
    const { disk } = await upload(t.connection, path, { provisionedSize: 8 * MIB });
    assert.equal(disk.provisionedSize, 8 * MIB);
    const back = await Deno.makeTempFile();
    try {
      await downloadImage(t.connection, disk.id!, back, { ...FAST, overwrite: true });
      const bytes = await Deno.readFile(back);
      assert.equal(bytes.length, 8 * MIB, "the disk reads as large as it was made");
      assert.deepEqual(bytes.subarray(0, MIB), data(MIB));
      assert.ok(bytes.subarray(MIB).every((byte) => byte === 0));
    } finally {
      await Deno.remove(back);
    }
    const before = (await disks.list()).length;
    for (const size of [MIB, 2 * MIB - 512, 1.5 * MIB + 0.5]) {
      await assert.rejects(upload(t.connection, path, { provisionedSize: size }), (error) => {
        assert.ok(error instanceof OvirtError);
        assert.match(error.message, /into a disk of .* bytes: the image holds 2097152 bytes/);
        return true;
      });
    }
    assert.equal((await disks.list()).length, before, "no disk was made for a refused size");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadImage and downloadImage over HTTPS", async () => {
  await using sim = await startSimulator({ delay: 0, tls: true });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    caCerts: [sim.caCert!],
  });
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk, stats } = await upload(connection, path, { verify: "checksum" });
    assert.ok(stats.zeroBytes > 0);
    assert.deepEqual(await downloaded(connection, disk.id!), expected());
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uploadDisk: a failed upload lets its source stream go (cancelled)", async () => {
  // The engine cancels the transfer once 2 of its 8 MiB have arrived.
  await using t = await setup({ stopAfterBytes: 2 * MIB });
  const diskId = await rawDisk(t.connection, 8 * MIB);
  let cancelled: unknown;
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 8) controller.enqueue(data(MIB, sent));
    },
    cancel(reason) {
      cancelled = reason ?? "cancelled";
    },
  }, { highWaterMark: 0 });
  await assert.rejects(
    uploadDisk(t.connection, diskId, source, 8 * MIB, { ...FAST, connections: 1 }),
    (error: OvirtError) => /stopped by system/.test(error.message),
  );
  assert.ok(cancelled !== undefined, "the source was cancelled");
  assert.ok(sent < 8, "and not read to its end");
});

Deno.test("a flaky network: a piece whose connection was cut is sent again", async () => {
  await using t = await setup({ cutEvery: 3 });
  const path = await sparseFile(SIZE, PIECES);
  try {
    const { disk } = await upload(t.connection, path, { verify: "read-back" });
    assert.deepEqual(await downloaded(t.connection, disk.id!), expected());
    assert.ok(t.sim.imageTraffic.dataRequests >= 9, "cuts happened on the way");
    await assert.rejects(
      upload(t.connection, path, { retries: 0, name: "no-retries" }),
      (error: unknown) => error instanceof ConnectionError,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("downloadImage: a failed download removes its partial file", async () => {
  await using t = await setup();
  const source = await sparseFile(SIZE, PIECES);
  const target = `${source}.download`;
  try {
    const { disk } = await upload(t.connection, source);
    t.sim.setTransferQuirks({ pauseAfterBytes: MIB / 2, pauseReason: "the host went away" });
    await assert.rejects(
      downloadImage(t.connection, disk.id!, target, { ...FAST, connections: 1 }),
      (error: OvirtError) =>
        /paused by the system \(phase paused_system\): .*the host went away/.test(error.message),
    );
    await assert.rejects(Deno.stat(target), Deno.errors.NotFound);
  } finally {
    await Deno.remove(source);
  }
});

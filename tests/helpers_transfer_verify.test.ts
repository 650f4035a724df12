/**
 * The end of an upload, over real HTTP against the simulator: `verify: "checksum"` when the
 * disk is larger than the file (a raw image into a larger disk, a qcow2 file whose disk is
 * its virtual size: the server hashes the whole disk, the file is hashed as if followed by
 * zeros), and on a daemon without checksums (a read-back instead); the final flush sent
 * again when its connection is cut, as the data is.
 */

import assert from "node:assert/strict";
import { ConnectionError, OvirtError, types, uploadDisk, uploadImage } from "../mod.ts";
import type { TransferQuirks } from "../testing/mod.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";
import { qcow2 } from "./qcow2_image.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB };

/** A simulator with `quirks`, and a temporary file holding `bytes`. */
async function setup(bytes: Uint8Array, quirks: TransferQuirks = {}, suffix = ".raw") {
  const session = await simulatorSession({ delay: 0, transfers: quirks });
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-verify-", suffix });
  await Deno.writeFile(path, bytes);
  return {
    ...session,
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path);
      await session[Symbol.asyncDispose]();
    },
  };
}

/** 1 MiB whose first 64 KiB are data, the rest zeros. */
function image(): Uint8Array {
  const bytes = new Uint8Array(MIB);
  for (let i = 0; i < 65536; i++) bytes[i] = ((i * 131) % 251) + 1;
  return bytes;
}

Deno.test("verify checksum: a raw image in a larger disk matches, a bad byte still shows", async () => {
  await using t = await setup(image());
  const { disk, verified } = await uploadImage(t.connection, t.path, {
    ...FAST,
    storageDomain: "data",
    provisionedSize: 8 * MIB + 4096, // not a whole number of checksum blocks either
    verify: "checksum",
  });
  assert.equal(verified, "checksum");
  assert.equal(disk.provisionedSize, 8 * MIB + 4096);
  t.sim.setTransferQuirks({ corruptAt: 1000 });
  await assert.rejects(
    uploadImage(t.connection, t.path, {
      ...FAST,
      storageDomain: "data",
      provisionedSize: 8 * MIB,
      verify: "checksum",
    }),
    (error) => error instanceof OvirtError && /differs from .*sha256 checksum/.test(error.message),
  );
});

Deno.test("verify checksum: a qcow2 file, whose disk is larger than the file, matches", async () => {
  const bytes = qcow2({ size: 64 * MIB });
  await using t = await setup(bytes, {}, ".qcow2");
  const { disk, verified } = await uploadImage(t.connection, t.path, {
    ...FAST,
    storageDomain: "data",
    verify: "checksum",
  });
  assert.equal(verified, "checksum");
  assert.equal(disk.format, types.DiskFormat.COW);
  assert.ok(bytes.length < 64 * MIB);
});

Deno.test("verify checksum on a daemon without checksums: the image is read back instead", async () => {
  await using t = await setup(image(), { legacyDaemon: true });
  const { verified, disk } = await uploadImage(t.connection, t.path, {
    ...FAST,
    storageDomain: "data",
    verify: "checksum",
  });
  assert.equal(verified, "read-back");
  assert.equal(disk.status, types.DiskStatus.OK);
});

Deno.test("a cut connection on the final flush: the flush is sent again", async () => {
  await using t = await setup(image());
  const diskId = await rawDisk(t.connection, 3 * MIB);
  // One connection: PUT 2 MiB, PUT 1 MiB, then PATCH flush, the third data request: cut.
  t.sim.setTransferQuirks({ cutEvery: 3 });
  const data = new Uint8Array(3 * MIB).fill(9);
  const transfer = await uploadDisk(t.connection, diskId, data, data.length, {
    ...FAST,
    chunkSize: 3 * MIB,
    connections: 1,
  });
  assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
  assert.equal(t.sim.imageTraffic.requests.PUT, 2);
  assert.equal(t.sim.imageTraffic.requests.PATCH, 2, "the flush, cut, then again");
  // With no retries, the same cut fails the upload, as a cut PUT does.
  const other = await rawDisk(t.connection, 3 * MIB);
  t.sim.imageTraffic.dataRequests = 0;
  await assert.rejects(
    uploadDisk(t.connection, other, data, data.length, {
      ...FAST,
      chunkSize: 3 * MIB,
      connections: 1,
      retries: 0,
    }),
    ConnectionError,
  );
});

Deno.test("uploadImage on a network that cuts every other request: the disk is made", async () => {
  await using t = await setup(image(), { cutEvery: 2 });
  const { disk, verified } = await uploadImage(t.connection, t.path, {
    ...FAST,
    storageDomain: "data",
    verify: "checksum",
  });
  assert.equal(disk.status, types.DiskStatus.OK);
  assert.equal(verified, "checksum");
});

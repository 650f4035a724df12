/**
 * `probeImage` and `uploadImage` on files that are not what they seem: a qcow2 header
 * whose L1 table is larger than qemu allows (refused as corrupt, without allocating it),
 * and local files that cannot be read (missing, a directory): `OvirtError`s naming the
 * file, with the runtime's error as `cause`, before any disk is made; a qcow2 file cut short
 * (a data cluster past its end, an interrupted copy), refused before any disk is made.
 */

import assert from "node:assert/strict";
import { OvirtError, probeImage, types, uploadImage } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";
import { CLUSTER, qcow2 } from "./qcow2_image.ts";

const MIB = 1024 * 1024;

/**
 * A qcow2 image whose header says its L1 table (at cluster 1) has `entries` entries, in a
 * sparse file long enough to hold that table.
 */
async function withL1(entries: number, run: (path: string) => Promise<void>): Promise<void> {
  const bytes = qcow2();
  new DataView(bytes.buffer).setUint32(36, entries);
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-l1-", suffix: ".qcow2" });
  try {
    await Deno.writeFile(path, bytes);
    await Deno.truncate(path, Math.max(bytes.length, CLUSTER + entries * 8));
    await run(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("probeImage: an L1 table larger than qemu's 32 MiB is refused as corrupt", async () => {
  for (const entries of [4 * MIB + 1, 0xffffffff]) {
    await withL1(entries, async (path) => {
      const error = await probeImage(path).then(() => undefined, (error: unknown) => error);
      assert.ok(error instanceof OvirtError, `${entries} entries: an OvirtError, not ${error}`);
      assert.equal(
        error.message,
        `Cannot upload ${path}: its qcow2 header is corrupt (an L1 table of ${entries} entries, ` +
          "larger than qemu's limit of 32 MiB); run `qemu-img check` on it",
      );
    });
  }
  // qemu's largest table is read (no L2 table in it: nothing compressed).
  await withL1(4 * MIB, async (path) => {
    const info = await probeImage(path);
    assert.equal(info.format, types.DiskFormat.COW);
  });
});

Deno.test("probeImage: an L2 table that is not on a cluster boundary is refused as corrupt", async () => {
  const bytes = qcow2();
  new DataView(bytes.buffer).setBigUint64(CLUSTER, (1n << 63n) | BigInt(2 * CLUSTER + 512));
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-l2-", suffix: ".qcow2" });
  try {
    await Deno.writeFile(path, bytes);
    await assert.rejects(probeImage(path), (error) => {
      assert.ok(error instanceof OvirtError);
      assert.match(error.message, /corrupt \(an L2 table is not aligned to a cluster\)/);
      return true;
    });
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("probeImage and uploadImage: a file that cannot be read is an OvirtError naming it", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-probe-" });
  try {
    const disks = t.connection.systemService().disksService();
    const before = (await disks.list()).length;
    const cases: [string, new (...args: never[]) => Error][] = [
      [`${dir}/missing.raw`, Deno.errors.NotFound],
      [dir, Deno.errors.IsADirectory],
    ];
    for (const [path, cause] of cases) {
      for (
        const attempt of [() => probeImage(path), () =>
          uploadImage(t.connection, path, {
            storageDomain: "data",
            pollInterval: 5,
          })]
      ) {
        const error = await attempt().then(() => undefined, (error: unknown) => error);
        assert.ok(error instanceof OvirtError, `${path}: an OvirtError, not ${error}`);
        assert.ok(error.message.startsWith(`Cannot read ${path}: `), error.message);
        assert.ok(error.cause instanceof cause, `${path}: caused by ${error.cause}`);
      }
    }
    assert.equal((await disks.list()).length, before, "no disk was made");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeImage and uploadImage: a qcow2 file cut before a data cluster is refused as truncated", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const disks = t.connection.systemService().disksService();
  const before = (await disks.list()).length;
  const whole = qcow2(); // its one data cluster is its last, cluster 3
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-cut-", suffix: ".qcow2" });
  try {
    // Cut where the data cluster starts: its data is gone.
    await Deno.writeFile(path, whole.subarray(0, 3 * CLUSTER));
    const truncated = (error: unknown) => {
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      assert.equal(
        error.message,
        `Cannot upload ${path}: a data cluster lies past the end of the file: the file looks ` +
          "truncated",
      );
      return true;
    };
    await assert.rejects(probeImage(path), truncated);
    await assert.rejects(
      uploadImage(t.connection, path, { storageDomain: "data", pollInterval: 5 }),
      truncated,
    );
    assert.equal((await disks.list()).length, before, "no disk was made");
    // The last cluster may end past the end of the file, as qemu allows; whole, it is fine.
    for (const length of [3 * CLUSTER + 512, whole.length]) {
      await Deno.writeFile(path, whole.subarray(0, length));
      assert.equal((await probeImage(path)).format, types.DiskFormat.COW, `${length} bytes`);
    }
  } finally {
    await Deno.remove(path);
  }
});

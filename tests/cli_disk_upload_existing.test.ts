/**
 * `ovirt disk upload FILE --disk EXISTING`, run as a process against the simulator: an image
 * the disk cannot take (a qcow2 image for a raw disk, a raw image larger than the disk, a
 * qcow2 image whose header says more than the disk holds) is refused, with the reason, before
 * any transfer is made; the disk stays `ok` and as it was.
 */

import assert from "node:assert/strict";
import { type Connection, types, waitForStatus } from "../mod.ts";
import { cliBench, oneErrorLine, ovirt } from "./cli_harness.ts";
import { qcow2 } from "./qcow2_image.ts";

const MIB = 1024 ** 2;

/** A disk named `name` of `format` and `size` bytes on the storage domain `data`, once `ok`. */
async function disk(connection: Connection, name: string, format: string, size: number) {
  const disks = connection.systemService().disksService();
  const made = await disks.add({
    name,
    provisionedSize: size,
    format: format as types.DiskFormat,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(made.id!), types.DiskStatus.OK, {
    interval: 5,
    timeout: 5000,
  });
  return made.id!;
}

Deno.test("ovirt disk upload --disk: what the disk cannot take is refused before any transfer", async () => {
  await using bench = await cliBench();
  const { home, connection, env } = bench;
  const qcow = `${home.path}/image.qcow2`;
  await Deno.writeFile(qcow, qcow2({ size: 8 * MIB }));
  const large = `${home.path}/large.raw`;
  await Deno.writeFile(large, new Uint8Array(2 * MIB).fill(5));
  const cases = [
    [qcow, "raw", 8 * MIB, "a qcow2 image goes into a cow disk, not raw"],
    [large, "raw", MIB, `${2 * MIB} bytes do not fit the ${MIB} of the disk`],
    [
      qcow,
      "cow",
      4 * MIB,
      `the qcow2 image's ${8 * MIB} bytes do not fit the ${4 * MIB} of the disk`,
    ],
  ] as const;
  for (const [file, format, size, why] of cases) {
    const name = `target-${format}-${size}`;
    const id = await disk(connection, name, format, size);
    const run = await ovirt(
      ["disk", "upload", file, "--disk", name, "--wait-interval", "20ms"],
      env,
    );
    assert.equal(run.code, 1, run.stderr);
    assert.equal(oneErrorLine(run), `ovirt: Cannot upload into disk ${id} ("${name}"): ${why}`);
    const transfers = await connection.systemService().imageTransfersService().list();
    assert.deepEqual(transfers.filter((transfer) => transfer.disk?.id === id), [], file);
    const after = await connection.systemService().disksService().diskService(id).get();
    assert.equal(after.status, types.DiskStatus.OK, `${name} is left as it was`);
  }
  // What fits goes: the qcow2 image into a cow disk of its size.
  await disk(connection, "fits", "cow", 8 * MIB);
  const run = await ovirt(
    ["disk", "upload", qcow, "--disk", "fits", "--wait-interval", "20ms"],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
});

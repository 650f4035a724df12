/**
 * How `downloadImage` asks for data, over real HTTP against the simulator: ranges shared
 * out among the connections (at least a chunk, at most 128 MiB each), and a range whose
 * connection was cut asked again only for what did not arrive.
 */

import assert from "node:assert/strict";
import { Connection, downloadImage, uploadImage } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { ZERO_STEP } from "../helpers/transfer/zero.ts";

const MIB = 1024 * 1024;

/** A simulator, a connection, and a disk holding `size` bytes of data (no zeros). */
async function diskOfData(size: number) {
  const sim = await startSimulator({ delay: 0 });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const content = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) content[i] = ((i / 4096) % 251) + 1;
  const source = await Deno.makeTempFile({ prefix: "ovirt-sdk-ranges-" });
  await Deno.writeFile(source, content);
  const { disk } = await uploadImage(connection, source, {
    storageDomain: "data",
    pollInterval: 5,
  });
  await Deno.remove(source);
  const target = `${source}.download`;
  return {
    sim,
    connection,
    diskId: disk.id!,
    content,
    target,
    async [Symbol.asyncDispose]() {
      await Deno.remove(target).catch(() => {});
      await connection.close();
      await sim.close();
    },
  };
}

Deno.test("downloadImage: the data is shared out among the connections in long ranges", async () => {
  await using t = await diskOfData(24 * MIB);
  const before = t.sim.imageTraffic.requests.GET ?? 0;
  const { stats } = await downloadImage(t.connection, t.diskId, t.target, {
    pollInterval: 5,
    chunkSize: MIB,
    connections: 4,
  });
  // 24 MiB in 4 ranges of 6 MiB (not 24 of a chunk each), after the extents.
  assert.equal(t.sim.imageTraffic.requests.GET - before, 5);
  assert.equal(stats.requests, 4);
  assert.equal(stats.dataBytes, 24 * MIB);
  assert.deepEqual(await Deno.readFile(t.target), t.content);
});

Deno.test("downloadImage: no range is longer than 128 MiB", async () => {
  await using t = await diskOfData(130 * MIB);
  const before = t.sim.imageTraffic.requests.GET ?? 0;
  await downloadImage(t.connection, t.diskId, t.target, { pollInterval: 5, connections: 1 });
  assert.equal(t.sim.imageTraffic.requests.GET - before, 3, "extents, 128 MiB, 2 MiB");
  assert.deepEqual(await Deno.readFile(t.target), t.content);
});

Deno.test("downloadImage: a cut range is asked again from the last whole block it wrote", async () => {
  await using t = await diskOfData(4 * MIB);
  // The next data request is cut after 2.5 MiB of its answer.
  t.sim.imageTraffic.dataRequests = 1;
  t.sim.setTransferQuirks({ cutEvery: 2, cutAfter: 2.5 * MIB });
  const { transfer } = await downloadImage(t.connection, t.diskId, t.target, {
    pollInterval: 5,
    connections: 1,
  });
  assert.deepEqual(await Deno.readFile(t.target), t.content);
  // The daemon read 2.5 MiB before the cut, then the 2 MiB after the two whole blocks
  // (ZERO_STEP, 1 MiB) written: asking for the whole range again would have made it read
  // 6.5 MiB.
  assert.equal(ZERO_STEP, MIB);
  assert.equal(transfer.transferred, 2.5 * MIB + 2 * MIB);
});

/**
 * Image transfers over TLS through both transports, against the simulator: `fetch` with the
 * simulator's CA (whose bodies are byte streams, read straight into the download's blocks)
 * and `node:https` with `insecure: true` (whose bodies are copied into them).
 */

import assert from "node:assert/strict";
import { Connection, downloadImage, uploadImage } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const MIB = 1024 * 1024;

/** Data, then a run of zeros, then data again: not a multiple of the 1 MiB block. */
function image(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(5 * MIB + 3 * 512);
  for (let i = 0; i < 2 * MIB + 512; i++) bytes[i] = ((i * 131) % 251) + 1;
  for (let i = 4 * MIB; i < bytes.length; i++) bytes[i] = ((i * 17) % 253) + 1;
  return bytes;
}

for (const insecure of [false, true]) {
  const how = insecure ? "node:https (insecure: true)" : "fetch with the CA";
  Deno.test(`image transfers over TLS through ${how}: the same bytes come back`, async () => {
    await using sim = await startSimulator({ tls: true, delay: 0 });
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      ...(insecure ? { insecure: true } : { caCerts: [sim.caCert!] }),
    });
    const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-transfer-tls-" });
    try {
      const content = image();
      await Deno.writeFile(`${dir}/source.raw`, content);
      const { disk } = await uploadImage(connection, `${dir}/source.raw`, {
        storageDomain: "data",
        pollInterval: 5,
        chunkSize: MIB,
      });
      const { stats } = await downloadImage(connection, disk.id!, `${dir}/copy.raw`, {
        pollInterval: 5,
        chunkSize: MIB,
        connections: 2,
      });
      assert.deepEqual(await Deno.readFile(`${dir}/copy.raw`), content);
      assert.ok(stats.dataBytes < content.length, "the zeros the server reports did not travel");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

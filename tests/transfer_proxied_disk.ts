/**
 * Set-up shared by the download tests that put a proxy of their own between the SDK and a
 * plain-HTTP simulator: a disk uploaded directly with patterned data, and a connection
 * whose requests (image transfers included) go through the proxy.
 *
 * @module
 */

import { Connection, uploadImage } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

/** A simulator, a disk whose first `dataSize` bytes are patterned data, and a connection via `proxyUrl`. */
export async function proxiedDisk(
  dataSize: number,
  proxyUrl: string,
  provisionedSize?: number,
) {
  const sim: Simulator = await startSimulator({ delay: 0, tls: false });
  const direct = new Connection({ url: sim.url, username: sim.username, password: sim.password });
  const content = new Uint8Array(dataSize);
  for (let i = 0; i < dataSize; i++) content[i] = ((i * 131) % 251) + 1;
  const source = await Deno.makeTempFile({ prefix: "ovirt-sdk-proxied-disk-" });
  await Deno.writeFile(source, content);
  const { disk } = await uploadImage(direct, source, {
    storageDomain: "data",
    pollInterval: 5,
    ...(provisionedSize ? { provisionedSize } : {}),
  });
  await Deno.remove(source);
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    proxy: proxyUrl,
  });
  const target = `${source}.download`;
  return {
    sim,
    direct,
    connection,
    diskId: disk.id!,
    content,
    /** Where a download may go (removed at the end). */
    target,
    /** Removes the download and closes the connections and the simulator. */
    async close(): Promise<void> {
      await Deno.remove(target).catch(() => {});
      await connection.close();
      await direct.close();
      await sim.close();
    },
  };
}

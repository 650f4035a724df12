/**
 * Computes the checksum of a disk on the host, without downloading it: opens a download
 * transfer and asks the image server (ovirt-imageio) for the checksum of the disk's
 * guest data. Compare it with `checksum_image.ts` on a local copy to verify a transfer.
 * Ctrl-C stops the wait for the checksum; the transfer is ended all the same.
 * `--disk` takes a disk's name or, as names need not be unique, its id.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/checksum_disk.ts
 * [--disk vm003_disk1|ID] [--algorithm sha256] [--block-size 4194304]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitFor } from "../mod.ts";
import { findDisk } from "./lib/find_disk.ts";
import { endTransfer } from "./lib/end_transfer.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/checksum_disk.ts [--disk vm003_disk1|ID] [--algorithm sha256] [--block-size 4194304]";

const { values, integer } = scriptArgs(USAGE, {
  disk: { type: "string", default: "vm003_disk1" },
  algorithm: { type: "string", default: "sha256" },
  "block-size": { type: "string", default: String(4 * 1024 ** 2) },
});
const blockSize = integer("block-size", values["block-size"]);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
using interrupt = onCtrlC();
const { signal } = interrupt;
const disk = found(
  await findDisk(systemService.disksService(), values.disk, { signal }),
  `No disk with name or id ${values.disk}`,
);

const transfersService = systemService.imageTransfersService();
const created = await transfersService.add({
  disk: { id: disk.id },
  direction: types.ImageTransferDirection.DOWNLOAD,
  format: types.DiskFormat.RAW,
}); // not cut short by Ctrl-C: the transfer it makes is to be ended below
const transferService = transfersService.imageTransferService(created.id!);
const untrack = interrupt.track(`image transfer ${created.id} of disk ${disk.name}`);
let done = false;
try {
  const transfer = await waitFor(
    () => transferService.get(),
    (current) => current.phase !== types.ImageTransferPhase.INITIALIZING,
    { interval: 1000, signal },
  );
  if (transfer.phase !== types.ImageTransferPhase.TRANSFERRING) {
    throw new Error(`Transfer ${transfer.id} is ${transfer.phase}, not transferring`);
  }
  const url = new URL(`${transfer.transferUrl ?? transfer.proxyUrl}/checksum`);
  url.searchParams.set("algorithm", String(values.algorithm));
  url.searchParams.set("block_size", String(blockSize));
  // The server answers once it has read the whole disk: no time limit (Ctrl-C stops it).
  const response = await connection.transferRequest({ method: "GET", url, signal, timeout: 0 });
  const answer = await new Response(response.body).text();
  if (response.status !== 200) {
    throw new Error(`Computing the checksum failed with HTTP ${response.status}: ${answer}`);
  }
  console.log(JSON.stringify(JSON.parse(answer), null, 2));
  done = true;
} finally {
  // Even after Ctrl-C: an open transfer would keep the disk locked.
  await endTransfer(transferService, done);
  untrack();
}

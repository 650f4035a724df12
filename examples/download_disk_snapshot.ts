/**
 * Downloads a snapshot of a disk into a file, with a progress bar: the disk's data as
 * the snapshot froze it, as raw guest data. By default the disk's newest snapshot.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/download_disk_snapshot.ts [--disk vm001_disk1] [--snapshot-id ID] [--file PATH]`
 * (the file is `<snapshot id>.raw` by default)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, progressBar, types, waitFor } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    disk: { type: "string", default: "vm001_disk1" },
    "snapshot-id": { type: "string" },
    file: { type: "string" },
  },
  strict: false,
});
const CHUNK = 8 * 1024 ** 2;

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const [disk] = await systemService.disksService().list({ search: `name=${values.disk}` });
if (!disk) throw new Error(`No disk named ${values.disk}`);

// The disk's snapshots, oldest first (without the active layer).
const snapshots = await systemService.disksService().diskService(disk.id!)
  .diskSnapshotsService().list();
const snapshot = values["snapshot-id"] === undefined
  ? snapshots.at(-1)
  : snapshots.find((item) => item.id === values["snapshot-id"]);
if (!snapshot) throw new Error(`Disk ${disk.name} has no such snapshot`);
const path = typeof values.file === "string" ? values.file : `${snapshot.id}.raw`;

// The transfer names the snapshot rather than the disk.
const transfersService = systemService.imageTransfersService();
const created = await transfersService.add({
  snapshot: { id: snapshot.id },
  direction: types.ImageTransferDirection.DOWNLOAD,
  format: types.DiskFormat.RAW,
});
const transferService = transfersService.imageTransferService(created.id!);
try {
  const transfer = await waitFor(
    () => transferService.get(),
    (current) => current.phase !== types.ImageTransferPhase.INITIALIZING,
    { interval: 1000 },
  );
  if (transfer.phase !== types.ImageTransferPhase.TRANSFERRING) {
    throw new Error(`Transfer ${transfer.id} is ${transfer.phase}, not transferring`);
  }
  console.log(`Downloading snapshot ${snapshot.id} of disk ${disk.name} to ${path}...`);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  try {
    const size = Number(snapshot.provisionedSize!);
    const showProgress = progressBar("Downloading");
    for (let offset = 0; offset < size; offset += CHUNK) {
      const end = Math.min(offset + CHUNK, size) - 1;
      const response = await connection.transferRequest({
        method: "GET",
        url: transfer.transferUrl ?? transfer.proxyUrl!,
        headers: { Range: `bytes=${offset}-${end}` },
      });
      if (response.status !== 206) {
        const reason = await new Response(response.body).text();
        throw new Error(`Reading the snapshot failed with HTTP ${response.status}: ${reason}`);
      }
      for await (const piece of response.body) await writer.write(piece);
      showProgress({ transferred: end + 1, total: size });
    }
  } finally {
    await writer.close();
  }
} finally {
  await transferService.finalize();
  await waitFor(
    () => transferService.get(),
    (current) =>
      current.phase === types.ImageTransferPhase.FINISHED_SUCCESS ||
      current.phase === types.ImageTransferPhase.FINISHED_FAILURE,
    { interval: 1000 },
  );
}
console.log(`Downloaded snapshot ${snapshot.id} to ${path}`);

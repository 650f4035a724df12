/**
 * Image transfers to the simulator on loopback: `uploadImage`/`downloadImage` (4
 * connections, 8 MiB chunks, holes found with `lseek`) against a plain single-connection
 * PUT or GET of every byte, in the same run, for a 4 GiB raw image that is 90 % zeros
 * (a sparse file made here, in a temporary directory) and a 1 GiB image of random bytes.
 *
 * Run with `deno bench --allow-all bench/transfer_bench.ts` (about a minute; it needs
 * about 6 GB of free disk for the plain download of the sparse image). The simulator runs
 * in a child process, so that the peak RSS measured is the client's alone; after the
 * benchmarks a table gives MB/s of image size, bytes that travelled and the peak RSS of
 * each case (reset before each with `/proc/self/clear_refs`).
 */

import { Connection, downloadImage, types, uploadImage, waitFor } from "../mod.ts";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** `TRANSFER_BENCH_SCALE=0.0625` runs the same on a 256 MiB and a 64 MiB image (a quick check). */
const SCALE = Number(Deno.env.get("TRANSFER_BENCH_SCALE") ?? 1);
const SPARSE_SIZE = 4 * GIB * SCALE;
const DENSE_SIZE = GIB * SCALE;
const REGION = 64 * MIB; // each region of the sparse image starts with 10 % of data
const CONNECTIONS = 4;
const CHUNK = 8 * MIB;

/** One row of the summary. */
interface Row {
  name: string;
  size: number;
  seconds: number;
  travelled: number;
  startRss: number;
  peakRss: number;
}
const rows = new Map<string, Row>();

const simulator = await startSimulatorProcess();
const connection = new Connection({
  url: simulator.url,
  username: simulator.username,
  password: simulator.password,
  connections: 16,
});
const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-transfer-bench-" });
const sparsePath = `${dir}/sparse.raw`;
const densePath = `${dir}/dense.raw`;
await writeImage(sparsePath, SPARSE_SIZE, REGION / 10);
await writeImage(densePath, DENSE_SIZE, REGION);
const fast = {
  storageDomain: "data",
  pollInterval: 10,
  connections: CONNECTIONS,
  chunkSize: CHUNK,
};
const sparseDisk = (await uploadImage(connection, sparsePath, { ...fast, name: "sparse" })).disk;
const denseDisk = (await uploadImage(connection, densePath, { ...fast, name: "dense" })).disk;

globalThis.addEventListener("unload", () => {
  console.log(summary());
  Deno.removeSync(dir, { recursive: true });
  simulator.process.kill();
});

for (
  const [label, path, size] of [
    ["4 GiB, 90 % zeros", sparsePath, SPARSE_SIZE],
    ["1 GiB random", densePath, DENSE_SIZE],
  ] as const
) {
  const names = {
    plainPut: `upload ${label}: plain single-connection PUT`,
    upload: `upload ${label}: uploadImage`,
    plainGet: `download ${label}: plain single-connection GET`,
    download: `download ${label}: downloadImage`,
  };
  Deno.bench({
    name: names.plainPut,
    group: `upload ${label}`,
    baseline: true,
    n: 1,
    warmup: 0,
    async fn(b) {
      const diskId = await newDisk(size);
      await measure(b, names.plainPut, size, async () => {
        await plainPut(diskId, path);
        return size;
      });
      await removeDisk(diskId);
    },
  });
  Deno.bench({
    name: names.upload,
    group: `upload ${label}`,
    n: 1,
    warmup: 0,
    async fn(b) {
      let diskId = "";
      await measure(b, names.upload, size, async () => {
        const { disk, stats } = await uploadImage(connection, path, fast);
        diskId = disk.id!;
        return stats.dataBytes;
      });
      await removeDisk(diskId);
    },
  });
  const diskId = size === SPARSE_SIZE ? sparseDisk.id! : denseDisk.id!;
  Deno.bench({
    name: names.plainGet,
    group: `download ${label}`,
    baseline: true,
    n: 1,
    warmup: 0,
    async fn(b) {
      const target = `${dir}/plain-download.raw`;
      await measure(b, names.plainGet, size, async () => await plainGet(diskId, target));
      await Deno.remove(target);
    },
  });
  Deno.bench({
    name: names.download,
    group: `download ${label}`,
    n: 1,
    warmup: 0,
    async fn(b) {
      const target = `${dir}/download.raw`;
      await measure(b, names.download, size, async () => {
        const { stats } = await downloadImage(connection, diskId, target, {
          ...fast,
          overwrite: true,
        });
        return stats.dataBytes;
      });
      await Deno.remove(target);
    },
  });
}

/** Times `run` between `b.start()` and `b.end()`, with the peak RSS reset before it. */
async function measure(
  b: Deno.BenchContext,
  name: string,
  size: number,
  run: () => Promise<number>,
): Promise<void> {
  Deno.writeTextFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
  const startRss = memory("VmRSS");
  const started = performance.now();
  b.start();
  const travelled = await run();
  b.end();
  const seconds = (performance.now() - started) / 1000;
  rows.set(name, { name, size, seconds, travelled, startRss, peakRss: memory("VmHWM") });
}

/** A memory figure of this process from `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes. */
function memory(field: string): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
}

/** The table of results: each case against the plain transfer of the same image. */
function summary(): string {
  const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
  const lines = [
    "",
    `Load average at the end: ${Deno.loadavg().map((value) => value.toFixed(2)).join(", ")}`,
    "",
    "| case | time | MB/s of image size | vs plain | bytes that travelled | RSS at start, peak (growth) |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  let plain: Row | undefined;
  for (const row of rows.values()) {
    if (row.name.includes("plain")) plain = row;
    const ratio = plain && plain !== row ? `${(plain.seconds / row.seconds).toFixed(2)}x` : "1";
    lines.push(
      `| ${row.name} | ${row.seconds.toFixed(2)} s | ${
        (row.size / 1e6 / row.seconds).toFixed(0)
      } | ` +
        `${ratio} | ${mib(row.travelled)} | ${mib(row.startRss)}, ${mib(row.peakRss)} ` +
        `(+${mib(Math.max(0, row.peakRss - row.startRss))}) |`,
    );
  }
  return lines.join("\n");
}

/**
 * Writes an image of `size` bytes whose every 64 MiB region starts with `data` bytes of
 * random data, the rest left as holes (`data` = the region size: no holes at all).
 */
async function writeImage(path: string, size: number, data: number): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  await file.truncate(size);
  const random = new Uint8Array(CHUNK);
  for (let i = 0; i < random.length; i += 65536) {
    crypto.getRandomValues(random.subarray(i, i + 65536));
  }
  for (let region = 0; region < size; region += REGION) {
    await file.seek(region, Deno.SeekMode.Start);
    for (let done = 0; done < data; done += CHUNK) {
      const piece = random.subarray(0, Math.min(CHUNK, data - done));
      piece[0] = (region / REGION + done / CHUNK) & 0xff; // no two chunks alike
      piece[1] = 1;
      await file.write(piece);
    }
  }
}

async function newDisk(size: number): Promise<string> {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "bench",
    provisionedSize: size,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitFor(() => disks.diskService(disk.id!).get(), (d) => d.status === "ok", {
    interval: 10,
  });
  return disk.id!;
}

async function removeDisk(diskId: string): Promise<void> {
  const service = connection.systemService().disksService().diskService(diskId);
  await waitFor(() => service.get(), (disk) => disk.status === "ok", { interval: 10 });
  await service.remove();
}

/** A transfer of `diskId` in `direction`, ready; `finish` finalizes it and waits for its end. */
async function openTransfer(diskId: string, direction: types.ImageTransferDirection) {
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add({ disk: { id: diskId }, direction });
  const service = transfers.imageTransferService(created.id!);
  const ready = await waitFor(() => service.get(), (t) => t.phase === "transferring", {
    interval: 10,
  });
  return {
    url: ready.transferUrl!,
    async finish() {
      await service.finalize();
      await waitFor(() => service.get(), (t) => t.phase === "finished_success", { interval: 10 });
    },
  };
}

/** The whole file in one PUT over one connection, as a plain client sends it. */
async function plainPut(diskId: string, path: string): Promise<void> {
  const transfer = await openTransfer(diskId, types.ImageTransferDirection.UPLOAD);
  using file = await Deno.open(path, { read: true });
  const response = await fetch(transfer.url, { method: "PUT", body: file.readable });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`plain PUT: HTTP ${response.status}`);
  await transfer.finish();
}

/** The whole image in one GET over one connection, every byte written to `path`. */
async function plainGet(diskId: string, path: string): Promise<number> {
  const transfer = await openTransfer(diskId, types.ImageTransferDirection.DOWNLOAD);
  const response = await fetch(transfer.url);
  if (!response.ok || !response.body) throw new Error(`plain GET: HTTP ${response.status}`);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  await response.body.pipeTo(file.writable);
  await transfer.finish();
  return Number((await Deno.stat(path)).size);
}

/** The simulator in a child process (plain HTTP, no lifecycle delay). */
async function startSimulatorProcess() {
  const main = new URL("../testing/main.ts", import.meta.url).pathname;
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", main, "--plain", "--json"]
      .concat(["--delay", "0"]),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The simulator stopped before saying where it listens");
    text += value;
  }
  reader.releaseLock();
  const { url, username, password } = JSON.parse(text.split("\n")[0]);
  return {
    url: url as string,
    username: username as string,
    password: password as string,
    process,
  };
}

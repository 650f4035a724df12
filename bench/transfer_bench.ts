/**
 * Image transfers to the simulator on loopback: `uploadImage`/`downloadImage` (4
 * connections, 8 MiB chunks, holes found with `lseek`) against a plain single-connection
 * PUT or GET of every byte, in the same run, for a 4 GiB raw image that is 90 % zeros
 * (a sparse file made here, in a temporary directory) and a 1 GiB image of random bytes.
 *
 * Run with `deno bench --allow-all bench/transfer_bench.ts` (about three minutes; it needs
 * about 6 GB of free disk for the plain download of the sparse image). The simulator runs
 * in a child process, so that the peak RSS measured is the client's alone. The dense
 * cases are registered `TRANSFER_BENCH_REPEAT` times (default 2), plain and `uploadImage`
 * or `downloadImage` in turn, and the median of every run counts (Deno's bench runs each
 * registered case three times here, whatever its `n`): on a shared machine one run of
 * each swings by a third. After the benchmarks a table gives MB/s of image size, bytes that
 * travelled and the peak RSS of each case (reset before each with
 * `/proc/self/clear_refs`), and the peak RSS growth of a fresh process that only uploads
 * the dense image (the bench process holds garbage of earlier cases, which hides growth).
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
/** Runs of each dense case (`TRANSFER_BENCH_REPEAT`), alternating plain and helper. */
const REPEAT = Number(Deno.env.get("TRANSFER_BENCH_REPEAT") ?? 2);

if (Deno.args[0] === "--fresh") {
  // The child of fresh(): one upload or download in a process that did nothing else.
  const [, kind, path, at] = Deno.args;
  console.log(JSON.stringify(await transferAlone(kind as FreshKind, path, JSON.parse(at))));
  Deno.exit(0);
}

/** One row of the summary: one run of a case. */
interface Row {
  name: string;
  /** The case, without the run's number. */
  label: string;
  size: number;
  seconds: number;
  travelled: number;
  startRss: number;
  peakRss: number;
}
const rows: Row[] = [];

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
const freshUpload = await fresh("upload", densePath);
const freshDownload = await fresh("download", denseDisk.id!);

globalThis.addEventListener("unload", () => {
  console.log(summary());
  Deno.removeSync(dir, { recursive: true });
  simulator.process.kill();
});

for (
  const [label, path, size, runs] of [
    [`${sizeLabel(SPARSE_SIZE)}, 90 % zeros`, sparsePath, SPARSE_SIZE, 1],
    [`${sizeLabel(DENSE_SIZE)} random`, densePath, DENSE_SIZE, REPEAT],
  ] as const
) {
  const diskId = size === SPARSE_SIZE ? sparseDisk.id! : denseDisk.id!;
  for (let run = 1; run <= runs; run++) {
    const names = {
      plainPut: `upload ${label}: plain single-connection PUT`,
      upload: `upload ${label}: uploadImage`,
    };
    const suffix = runs > 1 ? ` (run ${run})` : "";
    Deno.bench({
      name: names.plainPut + suffix,
      group: `upload ${label}`,
      baseline: run === 1,
      n: 1,
      warmup: 0,
      async fn(b) {
        const diskId = await newDisk(size);
        await measure(b, names.plainPut, suffix, size, async () => {
          await plainPut(diskId, path, size);
          return size;
        });
        await removeDisk(diskId);
      },
    });
    Deno.bench({
      name: names.upload + suffix,
      group: `upload ${label}`,
      n: 1,
      warmup: 0,
      async fn(b) {
        let diskId = "";
        await measure(b, names.upload, suffix, size, async () => {
          const { disk, stats } = await uploadImage(connection, path, fast);
          diskId = disk.id!;
          return stats.dataBytes;
        });
        await removeDisk(diskId);
      },
    });
  }
  for (let run = 1; run <= runs; run++) {
    const names = {
      plainGet: `download ${label}: plain single-connection GET`,
      download: `download ${label}: downloadImage`,
    };
    const suffix = runs > 1 ? ` (run ${run})` : "";
    Deno.bench({
      name: names.plainGet + suffix,
      group: `download ${label}`,
      baseline: run === 1,
      n: 1,
      warmup: 0,
      async fn(b) {
        const target = `${dir}/plain-download.raw`;
        await measure(b, names.plainGet, suffix, size, async () => await plainGet(diskId, target));
        await Deno.remove(target);
      },
    });
    Deno.bench({
      name: names.download + suffix,
      group: `download ${label}`,
      n: 1,
      warmup: 0,
      async fn(b) {
        const target = `${dir}/download.raw`;
        await measure(b, names.download, suffix, size, async () => {
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
}

/** Times `run` between `b.start()` and `b.end()`, with the peak RSS reset before it. */
async function measure(
  b: Deno.BenchContext,
  label: string,
  suffix: string,
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
  const name = label + suffix;
  rows.push({ name, label, size, seconds, travelled, startRss, peakRss: memory("VmHWM") });
}

/** A memory figure of this process from `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes. */
function memory(field: string): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
}

/** The table of results: each case (median of its runs) against the plain transfer. */
function summary(): string {
  const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
  const lines = [
    "",
    `Load average at the end: ${Deno.loadavg().map((value) => value.toFixed(2)).join(", ")}`,
    "",
    "| case | time (median of runs: each run) | MB/s of image size | vs plain | bytes that travelled | RSS at start, peak (growth) |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const labels = [...new Set(rows.map((row) => row.label))];
  let plain = 0;
  for (const label of labels) {
    const runs = rows.filter((row) => row.label === label);
    const seconds = median(runs.map((row) => row.seconds));
    if (label.includes("plain")) plain = seconds;
    const ratio = label.includes("plain") ? "1" : `${(plain / seconds).toFixed(2)}x`;
    const each = runs.length > 1 ? `: ${runs.map((row) => row.seconds.toFixed(2)).join(", ")}` : "";
    const worst = runs.reduce((a, b) => (b.peakRss - b.startRss > a.peakRss - a.startRss ? b : a));
    lines.push(
      `| ${label} | ${seconds.toFixed(2)} s${each} | ${
        (runs[0].size / 1e6 / seconds).toFixed(0)
      } | ` +
        `${ratio} | ${mib(runs[0].travelled)} | ${mib(worst.startRss)}, ${mib(worst.peakRss)} ` +
        `(+${mib(Math.max(0, worst.peakRss - worst.startRss))}) |`,
    );
  }
  lines.push("");
  for (
    const [name, run] of [["uploadImage", freshUpload], ["downloadImage", freshDownload]] as const
  ) {
    lines.push(
      `Fresh process, ${name} of the ${mib(DENSE_SIZE)} random image (${CONNECTIONS} x ` +
        `${mib(CHUNK)}): RSS ${mib(run.startRss)} before, peak ${mib(run.peakRss)} ` +
        `(+${mib(run.peakRss - run.startRss)}; goal: at most ` +
        `${mib(CONNECTIONS * CHUNK + 64 * MIB)}), ${run.seconds.toFixed(2)} s`,
    );
  }
  return lines.join("\n");
}

/** `4 GiB`, `256 MiB`. */
function sizeLabel(bytes: number): string {
  return bytes >= GIB ? `${bytes / GIB} GiB` : `${bytes / MIB} MiB`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** What a fresh process moving an image alone measured (see {@link transferAlone}). */
interface FreshRun {
  startRss: number;
  peakRss: number;
  seconds: number;
}

/** What {@link transferAlone} does: upload a file, or download a disk. */
type FreshKind = "upload" | "download";

/**
 * Runs {@link transferAlone} in a child process (this file with `--fresh`): `source` is the
 * file to upload or the id of the disk to download.
 */
async function fresh(kind: FreshKind, source: string): Promise<FreshRun> {
  const { url, username, password } = simulator;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, "--fresh", kind, source]
      .concat(JSON.stringify({ url, username, password })),
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`The fresh ${kind} process failed`);
  return JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
}

/**
 * Uploads the file `source` to the simulator at `at` (then removes the disk), or downloads
 * the disk `source` to a temporary file (then removes it), in a process that did nothing
 * else but log in, and measures the peak RSS around it.
 */
async function transferAlone(
  kind: FreshKind,
  source: string,
  at: { url: string; username: string; password: string },
): Promise<FreshRun> {
  await using connection = new Connection({ ...at, connections: 16 });
  const disks = connection.systemService().disksService();
  await disks.list({ max: 1 }); // logged in, modules loaded
  const options = { pollInterval: 10, connections: CONNECTIONS, chunkSize: CHUNK };
  const target = await Deno.makeTempFile({ prefix: "ovirt-sdk-fresh-download-" });
  Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  const startRss = memory("VmRSS");
  const started = performance.now();
  const uploaded = kind === "upload"
    ? (await uploadImage(connection, source, { ...options, storageDomain: "data", name: "fresh" }))
      .disk
    : (await downloadImage(connection, source, target, { ...options, overwrite: true }), undefined);
  const seconds = (performance.now() - started) / 1000;
  const peakRss = memory("VmHWM");
  if (uploaded) await disks.diskService(uploaded.id!).remove();
  await Deno.remove(target);
  return { startRss, peakRss, seconds };
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

/**
 * The whole file in one PUT over one connection, as `curl -T` sends it: the file streamed
 * after a `Content-Length` header (imageio refuses a chunked body, and `fetch` sends a
 * streamed body chunked), so a plain socket carries it.
 */
async function plainPut(diskId: string, path: string, size: number): Promise<void> {
  const transfer = await openTransfer(diskId, types.ImageTransferDirection.UPLOAD);
  const url = new URL(transfer.url);
  const socket = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  try {
    const head = `PUT ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
      `Content-Length: ${size}\r\nContent-Range: bytes 0-${size - 1}/*\r\n` +
      "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode(head));
    writer.releaseLock();
    using file = await Deno.open(path, { read: true });
    await file.readable.pipeTo(socket.writable, { preventClose: true });
    const reader = socket.readable.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const status = /^HTTP\/1\.[01] (\d+)/.exec(new TextDecoder().decode(value ?? new Uint8Array()));
    if (status?.[1] !== "200") throw new Error(`plain PUT: ${status?.[0] ?? "no answer"}`);
  } finally {
    try {
      socket.close();
    } catch {
      // already closed with its streams
    }
  }
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

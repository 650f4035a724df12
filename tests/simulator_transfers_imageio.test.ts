/**
 * The simulator's imageio subset, spoken with plain `fetch`: OPTIONS, ranged PUT and GET,
 * PATCH zero and flush, extents, sparse storage, and the quirks that make it behave like
 * older engines, unreachable hosts and transfers paused or cancelled by the system.
 */

import assert from "node:assert/strict";
import { Connection, NotFoundError, types, waitFor, waitForStatus } from "../mod.ts";
import { startSimulator, type TransferQuirks } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const POLL = { interval: 5, timeout: 5000 };

/** A simulator, a connection, a raw disk of `size` bytes and an upload transfer on it. */
async function transferSetup(
  size: number,
  quirks: TransferQuirks = {},
  direction = "upload",
  delay = 0,
) {
  const sim = await startSimulator({ delay, transfers: quirks });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "imageio",
    provisionedSize: size,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  const diskService = disks.diskService(disk.id!);
  await waitForStatus(diskService, types.DiskStatus.OK, POLL);
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add(
    { disk: { id: disk.id }, direction: direction as types.ImageTransferDirection },
    { query: { correlation_id: "test-correlation" } },
  );
  const service = transfers.imageTransferService(created.id!);
  const transfer = await waitFor(() => service.get(), (t) => t.phase === "transferring", POLL);
  return {
    sim,
    connection,
    diskService,
    service,
    transfer,
    url: transfer.proxyUrl!,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
    },
  };
}

async function put(url: string, offset: number, bytes: Uint8Array<ArrayBuffer>) {
  const end = offset + bytes.length - 1;
  const response = await fetch(`${url}?flush=n`, {
    method: "PUT",
    headers: { "Content-Range": `bytes ${offset}-${end}/*` },
    body: bytes,
  });
  await response.body?.cancel();
  return response.status;
}

async function patch(url: string, operation: Record<string, unknown>) {
  const response = await fetch(url, { method: "PATCH", body: JSON.stringify(operation) });
  await response.body?.cancel();
  return response.status;
}

Deno.test("imageio: OPTIONS tells the features and connections by direction", async () => {
  await using upload = await transferSetup(MIB);
  const response = await fetch(upload.url, { method: "OPTIONS" });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    features: ["extents", "zero", "flush"],
    max_readers: 8,
    max_writers: 8,
  });
  assert.equal(response.headers.get("allow"), "OPTIONS,GET,PUT,PATCH");
  await using download = await transferSetup(MIB, {}, "download");
  const options = await (await fetch(download.url, { method: "OPTIONS" })).json();
  assert.deepEqual(options.features, ["extents"]);
  assert.equal(options.max_writers, 1);
  assert.equal(await put(download.url, 0, new Uint8Array(10)), 403, "a download cannot write");
});

Deno.test("imageio: ranged PUT, PATCH zero and flush, extents, ranged GET, sparse storage", async () => {
  const size = 8 * MIB;
  await using t = await transferSetup(size);
  const data = new Uint8Array(MIB).fill(0xab);
  assert.equal(await put(t.url, 2 * MIB, data), 200);
  assert.equal(await put(t.url, 5 * MIB, data), 200);
  assert.equal(await put(t.url, 6 * MIB, new Uint8Array(MIB)), 200, "zeros written to a hole");
  assert.equal(await patch(t.url, { op: "zero", offset: 5 * MIB, size: MIB }), 200);
  assert.equal(await patch(t.url, { op: "flush" }), 200);
  assert.equal(await patch(t.url, { op: "zero", offset: 7 * MIB, size: 2 * MIB }), 416);
  assert.equal(await patch(t.url, { op: "trim" }), 400);
  // An upload ticket may read too (imageio: "write" implies "read").
  const extents = await (await fetch(`${t.url}/extents`)).json();
  assert.deepEqual(extents, [
    { start: 0, length: 2 * MIB, zero: true, hole: false },
    { start: 2 * MIB, length: MIB, zero: false, hole: false },
    { start: 3 * MIB, length: 5 * MIB, zero: true, hole: false },
  ]);
  const dirty = await fetch(`${t.url}/extents?context=dirty`);
  await dirty.body?.cancel();
  assert.equal(dirty.status, 404, "dirty extents need an incremental backup");
  const range = await fetch(t.url, { headers: { Range: `bytes=${2 * MIB - 2}-${2 * MIB + 1}` } });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get("content-range"), `bytes ${2 * MIB - 2}-${2 * MIB + 1}/${size}`);
  assert.deepEqual(new Uint8Array(await range.arrayBuffer()), new Uint8Array([0, 0, 0xab, 0xab]));
  await t.service.finalize();
  const disk = await waitForStatus(t.diskService, types.DiskStatus.OK, POLL);
  assert.equal(disk.actualSize, MIB, "only the one data MiB is allocated");
});

Deno.test("imageio: a PUT shorter than its Content-Range is refused", async () => {
  await using t = await transferSetup(MIB);
  const response = await fetch(t.url, {
    method: "PUT",
    headers: { "Content-Range": "bytes 0-99/*" },
    body: new Uint8Array(50),
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /announced 100 bytes, got 50/);
});

Deno.test("imageio: a PUT without Content-Length (a chunked body) is refused", async () => {
  await using t = await transferSetup(MIB);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(10).fill(1));
      controller.close();
    },
  });
  // Deno's fetch sends a stream body chunked, whatever Content-Length header is given.
  const response = await fetch(t.url, {
    method: "PUT",
    headers: { "Content-Range": "bytes 0-9/*", "Content-Length": "10" },
    body,
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /Content-Length header is required/);
  assert.equal(t.sim.imageTraffic.bytesWritten, 0, "nothing was written");
});

Deno.test("transfer_url reaches the daemon directly, proxy_url goes where the API answers", async () => {
  await using t = await transferSetup(MIB);
  const api = new URL(t.sim.url);
  assert.equal(new URL(t.transfer.proxyUrl!).origin, api.origin);
  assert.notEqual(new URL(t.transfer.transferUrl!).port, api.port, "not through the front");
  for (const url of [t.transfer.transferUrl!, t.transfer.proxyUrl!]) {
    assert.equal(await put(url, 0, new Uint8Array(10).fill(2)), 200);
  }
});

Deno.test("quirk forgetFinished: a finalized transfer answers 404, its disk is ok", async () => {
  await using t = await transferSetup(MIB, { forgetFinished: true });
  assert.equal(await put(t.url, 0, new Uint8Array(MIB).fill(1)), 200);
  await t.service.finalize();
  await waitFor(
    () => t.service.get().then(() => false, (error) => error instanceof NotFoundError),
    (gone) => gone,
    POLL,
  );
  assert.equal((await t.diskService.get()).status, types.DiskStatus.OK);
});

Deno.test("quirk failVerification: finalizing fails and the disk is illegal", async () => {
  await using t = await transferSetup(MIB, { failVerification: true });
  await t.service.finalize();
  const ended = await waitFor(() => t.service.get(), (x) => x.phase === "finished_failure", POLL);
  assert.equal(ended.phase, types.ImageTransferPhase.FINISHED_FAILURE);
  assert.equal((await t.diskService.get()).status, types.DiskStatus.ILLEGAL);
});

Deno.test("quirk unreachableHost: transfer_url refuses connections, proxy_url works", async () => {
  await using t = await transferSetup(MIB, { unreachableHost: true });
  assert.notEqual(t.transfer.transferUrl, t.transfer.proxyUrl);
  await assert.rejects(fetch(t.transfer.transferUrl!, { method: "OPTIONS" }), TypeError);
  const response = await fetch(t.transfer.proxyUrl!, { method: "OPTIONS" });
  await response.body?.cancel();
  assert.equal(response.status, 200);
});

Deno.test("quirk pauseAfterBytes: paused_system, the daemon answers 403, an event says why", async () => {
  await using t = await transferSetup(4 * MIB, { pauseAfterBytes: MIB, pauseReason: "disk full" });
  assert.equal(await put(t.url, 0, new Uint8Array(MIB).fill(1)), 200);
  assert.equal(await put(t.url, MIB, new Uint8Array(MIB).fill(1)), 403);
  assert.equal((await t.service.get()).phase, types.ImageTransferPhase.PAUSED_SYSTEM);
  const events = await t.connection.systemService().eventsService().list({ max: 5 });
  const event = events.find((item) => item.correlationId === "test-correlation");
  assert.equal(event?.description, "Transfer was stopped by system. Reason: disk full.");
  assert.equal(event?.severity, types.LogSeverity.ERROR);
});

Deno.test("quirk stopAfterBytes: cancelled_system, the daemon refuses, then finished_failure", async () => {
  // Lifecycle steps of 50 ms: the cancelled phase shows for a few of them.
  await using t = await transferSetup(
    4 * MIB,
    { stopAfterBytes: MIB, stopReason: "no host" },
    "upload",
    50,
  );
  assert.equal(await put(t.url, 0, new Uint8Array(MIB).fill(1)), 200);
  assert.equal(await put(t.url, MIB, new Uint8Array(MIB).fill(1)), 403, "writes are refused");
  assert.equal((await t.service.get()).phase, types.ImageTransferPhase.CANCELLED_SYSTEM);
  const events = await t.connection.systemService().eventsService().list({ max: 5 });
  const event = events.find((item) => item.correlationId === "test-correlation");
  assert.equal(event?.description, "Transfer was stopped by system. Reason: no host.");
  const ended = await waitFor(() => t.service.get(), (x) => x.phase === "finished_failure", POLL);
  assert.equal(ended.active, false);
  const disk = await t.diskService.get();
  assert.equal(disk.status, types.DiskStatus.ILLEGAL, "a failed upload leaves its disk illegal");
});

Deno.test("quirk stopAfterBytes: a download body in progress is cut off", async () => {
  await using t = await transferSetup(4 * MIB, {}, "download");
  t.sim.setTransferQuirks({ stopAfterBytes: MIB, stopAs: "finished_failure" });
  const response = await fetch(t.url, { headers: { Range: `bytes=0-${4 * MIB - 1}` } });
  assert.equal(response.status, 206);
  await assert.rejects(response.arrayBuffer(), TypeError, "the body ends short");
  const again = await fetch(t.url, { headers: { Range: "bytes=0-9" } });
  await again.body?.cancel();
  assert.equal(again.status, 403);
  assert.equal((await t.service.get()).phase, types.ImageTransferPhase.FINISHED_FAILURE);
  const [event] = await t.connection.systemService().eventsService().list({ max: 1 });
  assert.equal(
    event.description,
    "Image Download of disk imageio failed. Reason: the host is not responding.",
  );
});

Deno.test("a user cancels from another session: cancelled_user, with an event", async () => {
  await using t = await transferSetup(MIB, {}, "upload", 50);
  await t.service.cancel({ query: { correlation_id: "other-session" } });
  assert.equal((await t.service.get()).phase, types.ImageTransferPhase.CANCELLED_USER);
  assert.equal(await put(t.url, 0, new Uint8Array(10)), 403);
  const events = await t.connection.systemService().eventsService().list({ max: 5 });
  const event = events.find((item) => /cancelled/.test(item.description ?? ""));
  assert.equal(event?.description, "Image Upload of disk imageio was cancelled by a user.");
  assert.equal(event?.correlationId, "other-session");
  await waitFor(() => t.service.get(), (x) => x.phase === "finished_failure", POLL);
});

Deno.test("quirk legacyDaemon: no OPTIONS (405), no PATCH, no extents or checksums", async () => {
  await using t = await transferSetup(MIB, { legacyDaemon: true });
  const options = await fetch(t.url, { method: "OPTIONS" });
  await options.body?.cancel();
  assert.equal(options.status, 405);
  assert.equal(await patch(t.url, { op: "flush" }), 405);
  // An old daemon takes what follows the ticket for part of the ticket id: none such.
  for (const below of ["extents", "checksum", "checksum/algorithms"]) {
    const response = await fetch(`${t.url}/${below}`);
    await response.body?.cancel();
    assert.equal(response.status, 403, below);
  }
  assert.equal(await put(t.url, 0, new Uint8Array(10).fill(3)), 200, "PUT still works");
});

Deno.test("imageio: checksum/algorithms answers without a ticket, checksum needs one", async () => {
  await using t = await transferSetup(MIB);
  const gone = t.url.replace(/[^/]+$/, "no-such-ticket");
  const algorithms = await fetch(`${gone}/checksum/algorithms`);
  assert.equal(algorithms.status, 200, "server information: imageio checks no ticket");
  assert.ok((await algorithms.json()).algorithms.includes("sha256"));
  const checksum = await fetch(`${gone}/checksum?algorithm=sha256`);
  await checksum.body?.cancel();
  assert.equal(checksum.status, 403);
  const mine = await fetch(`${t.url}/checksum?algorithm=sha256`);
  assert.equal(mine.status, 200);
  assert.equal(typeof (await mine.json()).checksum, "string");
});

Deno.test("an idle transfer is paused by the system when its inactivity timeout passes", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "idle",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, POLL);
  const transfers = connection.systemService().imageTransfersService();
  const created = await transfers.add({ disk: { id: disk.id }, inactivityTimeout: 1 });
  const service = transfers.imageTransferService(created.id!);
  const transfer = await waitFor(() => service.get(), (x) => x.phase === "transferring", POLL);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // longer than the timeout: no flake
  assert.equal(await put(transfer.proxyUrl!, 0, new Uint8Array(10)), 403);
  assert.equal((await service.get()).phase, types.ImageTransferPhase.PAUSED_SYSTEM);
  const [event] = await connection.systemService().eventsService().list({ max: 1 });
  assert.match(event.description!, /^Transfer was stopped by system\. Reason: .*inactive/);
  // With the timeout policy `cancel`, the system cancels it instead (another disk: the
  // engine transfers no illegal disk, which this one is once its upload is cancelled).
  await service.cancel();
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.ILLEGAL, POLL);
  const second = await disks.add({
    name: "idle2",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(second.id!), types.DiskStatus.OK, POLL);
  const cancelling = await transfers.add({
    disk: { id: second.id },
    inactivityTimeout: 1,
    timeoutPolicy: types.ImageTransferTimeoutPolicy.CANCEL,
  });
  const other = transfers.imageTransferService(cancelling.id!);
  const next = await waitFor(() => other.get(), (x) => x.phase === "transferring", POLL);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(await put(next.proxyUrl!, 0, new Uint8Array(10)), 403);
  assert.ok(
    ["cancelled_system", "finalizing_failure", "finished_failure"].includes(
      (await other.get()).phase!,
    ),
  );
});

Deno.test("quirk cutEvery: the daemon does the work, then cuts the connection", async () => {
  await using t = await transferSetup(MIB, { cutEvery: 2 });
  assert.equal(await put(t.url, 0, new Uint8Array(10).fill(5)), 200, "first: whole");
  const cut = await fetch(t.url, {
    method: "PUT",
    headers: { "Content-Range": "bytes 10-19/*" },
    body: new Uint8Array(10).fill(6),
  });
  await assert.rejects(cut.arrayBuffer(), TypeError, "second: the answer is cut short");
  const range = await fetch(t.url, { headers: { Range: "bytes=0-19" } });
  assert.deepEqual(
    new Uint8Array(await range.arrayBuffer()),
    new Uint8Array([...new Array(10).fill(5), ...new Array(10).fill(6)]),
    "the cut write was done",
  );
});

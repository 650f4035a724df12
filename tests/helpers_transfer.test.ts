import assert from "node:assert/strict";
import { Connection, downloadDisk, types, uploadDisk, waitForStatus } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

Deno.test("uploadDisk/downloadDisk: more chunks than the connection has request slots", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
    connections: 2,
    timeout: 10_000,
  });
  const chunkSize = 16 * 1024;
  const size = 20 * chunkSize + 7;
  const content = new Uint8Array(size).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "many-chunks",
    provisionedSize: size,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, { interval: 5 });
  const uploaded: number[] = [];
  await uploadDisk(connection, disk.id!, content, size, {
    chunkSize,
    pollInterval: 5,
    onProgress: ({ transferred }) => uploaded.push(transferred),
  });
  assert.equal(uploaded.length, 21, "every chunk went, past the two request slots");
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const written = await downloadDisk(
    connection,
    disk.id!,
    new WritableStream({ write: (piece) => void parts.push(piece.slice()) }),
    { chunkSize, pollInterval: 5 },
  );
  assert.equal(written, size);
  assert.deepEqual(new Uint8Array(await new Blob(parts).arrayBuffer()), content);
});

Deno.test("uploadDisk passes extra transfer members (snapshot, backup, host...) on creation", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "extra-members",
    provisionedSize: 4096,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, { interval: 5 });
  const done = await uploadDisk(connection, disk.id!, new Uint8Array(4096), 4096, {
    pollInterval: 5,
    transfer: { inactivityTimeout: 120, shallow: false },
  });
  assert.equal(done.inactivityTimeout, 120);
  assert.equal(done.shallow, false);
  assert.equal(done.disk?.id, disk.id);
});

Deno.test("debug log of a transfer: no ticket path, byte bodies only counted", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const lines: string[] = [];
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
    debug: true,
    log: (line) => lines.push(line),
  });
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "logged",
    provisionedSize: 4096,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, { interval: 5 });
  const transfer = await uploadDisk(connection, disk.id!, new Uint8Array(4096).fill(7), 4096, {
    pollInterval: 5,
  });
  const log = lines.join("\n");
  const ticketPath = new URL(transfer.transferUrl ?? transfer.proxyUrl!).pathname;
  assert.ok(log.includes("[transfer path hidden]"), "transfer requests are logged");
  assert.ok(!log.includes(ticketPath), "the ticket path never shows");
  assert.match(log, /\[4096 bytes\]/, "the uploaded bytes are counted, not printed");
  assert.ok(!log.includes(simulator.password), "no password");
});

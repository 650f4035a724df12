/**
 * The clean-up after a failed or aborted `uploadImage`, over real HTTP against the
 * simulator: after an abort it ends within the cleanup time (10 s), not `phaseTimeout`, even
 * while the engine cannot be reached; and what it could not clean up (the transfer not
 * cancelled, the new disk not removed) is named in the error, with the disk's id and name
 * and the transfer's id, also when the session's token was revoked.
 */

import assert from "node:assert/strict";
import {
  AuthError,
  Connection,
  ConnectionError,
  OvirtError,
  TimeoutError,
  types,
  uploadDisk,
  uploadImage,
  waitFor,
} from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const MIB = 1024 * 1024;

/** Longer than the cleanup time: a call still pending then waits for `phaseTimeout`. */
const TOO_LONG = 30_000;

/** `promise`'s outcome, or `"still pending"` after {@link TOO_LONG} ms. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((resolve) => timer = setTimeout(resolve, TOO_LONG, "still pending"));
  try {
    return await Promise.race([promise.then(() => "resolved", (error) => error), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** A file of `size` bytes of data (no zeros). */
async function dataFile(size: number): Promise<string> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 131) % 251) + 1;
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-cleanup-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/** The ids of the transfer and the disk a note of `message` names as left behind. */
function leftBehind(message: string, name: string) {
  const transfer = message.match(/image transfer (\S+) could not be cancelled \(/)?.[1];
  const disk = message.match(new RegExp(`disk (\\S+) \\("${name}"\\) was not removed \\(`))?.[1];
  return { transfer, disk };
}

Deno.test("an abort while the engine cannot be reached: the clean-up gives up after 10 s and names what is left", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    retry: false,
  });
  const path = await dataFile(4 * MIB);
  const controller = new AbortController();
  const reason = new Error("the operator pressed Ctrl-C");
  try {
    const error = await outcome(uploadImage(connection, path, {
      storageDomain: "data",
      name: "unreachable",
      pollInterval: 10,
      phaseTimeout: 120_000,
      chunkSize: 256 * 1024,
      connections: 1,
      onProgress: () => {
        if (controller.signal.aborted) return;
        // From now on every API request meets a proxy whose engine is down.
        sim.setFaults({ proxyError: 1, proxyStatus: 503 });
        controller.abort(reason);
      },
      signal: controller.signal,
    }));
    assert.ok(error instanceof OvirtError, String(error));
    assert.equal(error.cause, reason);
    const { transfer, disk } = leftBehind(error.message, "unreachable");
    assert.ok(transfer && disk, error.message);
    sim.setFaults({ proxyError: undefined });
    const disks = connection.systemService().disksService();
    assert.equal((await disks.diskService(disk).get()).name, "unreachable");
    const transfers = connection.systemService().imageTransfersService();
    assert.equal((await transfers.imageTransferService(transfer).get()).disk?.id, disk);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a token revoked during an upload: the error names the transfer and the disk left behind", async () => {
  await using sim = await startSimulator({ delay: 0 });
  // The administrator's session, whose token the upload's connection uses too.
  await using admin = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const token = await admin.authenticate();
  await using connection = new Connection({ url: sim.url, token });
  const path = await dataFile(4 * MIB);
  let revoked = false;
  try {
    const error = await outcome(uploadImage(connection, path, {
      storageDomain: "data",
      name: "revoked",
      pollInterval: 10,
      chunkSize: 256 * 1024,
      connections: 1,
      onProgress: () => {
        if (!revoked) sim.revokeTokens();
        revoked = true;
      },
    }));
    assert.ok(error instanceof AuthError, String(error));
    const { transfer, disk } = leftBehind(error.message, "revoked");
    assert.ok(transfer && disk, error.message);
    const left = await admin.systemService().disksService().diskService(disk).get();
    assert.equal(left.status, types.DiskStatus.LOCKED, "its transfer still holds it");
    const phase = (await admin.systemService().imageTransfersService()
      .imageTransferService(transfer).get()).phase;
    assert.equal(phase, types.ImageTransferPhase.TRANSFERRING);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an abort while the transfer is created, whose cancel the engine cannot take: the error names it", async () => {
  let breakEngine = () => {};
  let diskRead = () => {};
  const sim = await startSimulator({
    delay: 0,
    // Once the add is answered, the engine is behind a proxy answering 503; once uploadDisk
    // has read the disk, the add is answered after 300 ms.
    log: (line) => {
      if (/ \/ovirt-engine\/api\/imagetransfers 201$/.test(line)) breakEngine();
      if (/^GET \S*\/disks\/[^/\s]+ 200$/.test(line)) diskRead();
    },
  });
  await using _ = sim;
  breakEngine = () => sim.setFaults({ latency: undefined, proxyError: 1, proxyStatus: 503 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    retry: false,
  });
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "target",
    provisionedSize: MIB,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitFor(() => disks.diskService(disk.id!).get(), (d) => d.status === "ok", {
    interval: 5,
    timeout: 5000,
  });
  diskRead = () => {
    diskRead = () => {};
    sim.setFaults({ latency: 300 });
  };
  const controller = new AbortController();
  const reason = new Error("operator pressed Ctrl-C");
  setTimeout(() => controller.abort(reason), 150);
  const error = await outcome(uploadDisk(connection, disk.id!, new Uint8Array(MIB), MIB, {
    pollInterval: 10,
    phaseTimeout: 1000,
    signal: controller.signal,
  }));
  assert.ok(error instanceof OvirtError && error.cause === reason, String(error));
  const transfer = error.message.match(/image transfer (\S+) could not be cancelled \(/)?.[1];
  assert.ok(transfer, error.message);
  sim.setFaults({ proxyError: undefined });
  const transfers = connection.systemService().imageTransfersService();
  const left = await transfers.imageTransferService(transfer).get();
  assert.equal(left.disk?.id, disk.id);
  assert.equal(
    left.phase,
    types.ImageTransferPhase.TRANSFERRING,
    "still running, as the error says",
  );
});

Deno.test("the disk add's answer lost: the error says a disk of that name may have been made", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  await connection.systemService().vmsService().list(); // logged in: the next POST is the add
  const path = await dataFile(MIB);
  try {
    sim.setFaults({ dropAnswerNextPosts: 1 });
    const error = await outcome(
      uploadImage(connection, path, { storageDomain: "data", name: "lost-add", pollInterval: 10 }),
    );
    assert.ok(error instanceof ConnectionError && error.maybeApplied, String(error));
    assert.match(error.message, /; a disk named "lost-add" may have been made: look for it$/);
    const [made] = await connection.systemService().disksService().list({
      search: "name=lost-add",
    });
    assert.ok(made, "the engine made it indeed");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("the disk add's answer late: the error says a disk of that name may have been made", async () => {
  await using sim = await startSimulator({ delay: 0, tls: false });
  // A proxy that passes the disk's add on at once and its answer 2 s later.
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const upstream = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
    });
    const body = await upstream.arrayBuffer();
    if (request.method === "POST" && url.pathname.endsWith("/api/disks")) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return new Response(body, { status: upstream.status, headers: upstream.headers });
  });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    proxy: `http://127.0.0.1:${proxy.addr.port}`,
    timeout: 1000,
  });
  const path = await dataFile(MIB);
  try {
    const error = await outcome(
      uploadImage(connection, path, { storageDomain: "data", name: "late-add", pollInterval: 10 }),
    );
    assert.ok(error instanceof TimeoutError && error.maybeApplied, String(error));
    assert.match(error.message, /; a disk named "late-add" may have been made: look for it$/);
  } finally {
    await Deno.remove(path);
    await proxy.shutdown();
  }
});

/**
 * A transfer whose creation is interrupted, over real HTTP against the simulator: an abort
 * while the engine is creating it, an `add` whose answer is lost (carried out, connection
 * closed), an `add` that is never carried out. The transfer that was made is cancelled
 * (the disk does not stay locked), an aborted call rejects with the signal's reason, and
 * the cleanup is bounded in time.
 */

import { spawnScript } from "./script_child.ts";
import assert from "node:assert/strict";
import {
  type Connection,
  ConnectionError,
  types,
  uploadDisk,
  uploadImage,
  waitFor,
} from "../mod.ts";
import { rawDisk, simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const POLL = { interval: 10, timeout: 5000 };

/** The transfers of disk `diskId`, each once it is over, and the disk once unlocked. */
async function afterwards(connection: Connection, diskId: string) {
  const system = connection.systemService();
  const transfers = [];
  for (const transfer of await system.imageTransfersService().list()) {
    if (transfer.disk?.id !== diskId) continue;
    const service = system.imageTransfersService().imageTransferService(transfer.id!);
    transfers.push(await waitFor(() => service.get(), (t) => /^finished/.test(t.phase!), POLL));
  }
  const disk = await waitFor(
    () => system.disksService().diskService(diskId).get(),
    (d) => d.status !== types.DiskStatus.LOCKED,
    POLL,
  );
  return { phases: transfers.map((t) => t.phase), disk: disk.status };
}

/** Runs what `arm` was given once, after the simulator (told by `log`) answers a disk read. */
function afterDiskRead() {
  let then: (() => void) | undefined;
  return {
    log: (line: string) => {
      if (!then || !/^GET \S*\/disks\/[^/\s]+ 200$/.test(line)) return;
      then();
      then = undefined;
    },
    arm: (action: () => void) => then = action,
  };
}

Deno.test("an abort while the transfer is created: it is cancelled, the call rejects with the reason", async () => {
  const diskRead = afterDiskRead();
  await using t = await simulatorSession({ delay: 0, log: diskRead.log });
  const diskId = await rawDisk(t.connection, MIB);
  // uploadDisk reads the disk first; the add is answered after 300 ms.
  diskRead.arm(() => t.sim.setFaults({ latency: 300 }));
  const controller = new AbortController();
  const reason = new Error("operator pressed Ctrl-C");
  setTimeout(() => controller.abort(reason), 150);
  await assert.rejects(
    uploadDisk(t.connection, diskId, new Uint8Array(MIB).fill(7), MIB, {
      pollInterval: 10,
      signal: controller.signal,
    }),
    (error) => error === reason,
  );
  t.sim.setFaults({ latency: undefined });
  assert.deepEqual(await afterwards(t.connection, diskId), {
    phases: [types.ImageTransferPhase.FINISHED_FAILURE],
    disk: types.DiskStatus.ILLEGAL, // as the engine leaves the disk of a cancelled upload
  });
  assert.equal(t.sim.imageTraffic.requests.PUT ?? 0, 0, "no byte was sent");
});

Deno.test("an add whose answer is lost: the transfer it made is found and cancelled", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const diskId = await rawDisk(t.connection, MIB);
  t.sim.setFaults({ dropAnswerNextPosts: 1 }); // carried out, then the connection is closed
  await assert.rejects(
    uploadDisk(t.connection, diskId, new Uint8Array(MIB).fill(7), MIB, { pollInterval: 10 }),
    ConnectionError,
  );
  assert.deepEqual(await afterwards(t.connection, diskId), {
    phases: [types.ImageTransferPhase.FINISHED_FAILURE],
    disk: types.DiskStatus.ILLEGAL, // as the engine leaves the disk of a cancelled upload
  });
});

Deno.test("an add that is never answered: an abort gives up within the cleanup time", async () => {
  const diskRead = afterDiskRead();
  await using t = await simulatorSession({ delay: 0, log: diskRead.log });
  const diskId = await rawDisk(t.connection, MIB);
  // Once uploadDisk has read the disk: the newest event, then the add: never carried out.
  diskRead.arm(() => t.sim.setFaults({ stallAnswerNext: 2 }));
  const reason = new Error("enough");
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), 100);
  const started = performance.now();
  await assert.rejects(
    uploadDisk(t.connection, diskId, new Uint8Array(MIB).fill(7), MIB, {
      pollInterval: 10,
      phaseTimeout: 500, // also bounds the cleanup
      signal: controller.signal,
    }),
    (error) => error === reason,
  );
  const took = performance.now() - started;
  assert.ok(took >= 500 && took < 3000, `waited ${took} ms for the add's answer, then gave up`);
  assert.deepEqual(await afterwards(t.connection, diskId), { phases: [], disk: "ok" });
});

Deno.test("uploadImage: an abort while the disk is created removes the disk it made", async () => {
  await using t = await simulatorSession({ delay: 0 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-abort-add-" });
  try {
    const path = `${dir}/orphan.raw`;
    await Deno.writeFile(path, new Uint8Array(MIB).fill(7));
    t.sim.setFaults({ latency: 300 }); // the disk's add is answered after 300 ms
    const controller = new AbortController();
    const reason = new Error("operator pressed Ctrl-C");
    setTimeout(() => controller.abort(reason), 150);
    await assert.rejects(
      uploadImage(t.connection, path, {
        storageDomain: "data",
        pollInterval: 10,
        signal: controller.signal,
      }),
      (error) => error === reason,
    );
    t.sim.setFaults({ latency: undefined });
    const disks = t.connection.systemService().disksService();
    assert.deepEqual(await disks.list({ search: "name=orphan" }), [], "the disk was removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an abort while the transfer is created leaves no timer keeping the process alive", async () => {
  // In a process of its own: its end is what is measured.
  const mod = new URL("../mod.ts", import.meta.url).href;
  const testing = new URL("../testing/mod.ts", import.meta.url).href;
  const script = `
    import { Connection, types, uploadDisk, waitFor } from "${mod}";
    import { startSimulator } from "${testing}";
    const sim = await startSimulator({ delay: 0 });
    const connection = new Connection({ url: sim.url, username: sim.username, password: sim.password });
    const disks = connection.systemService().disksService();
    const disk = await disks.add({ name: "d", provisionedSize: ${MIB}, format: types.DiskFormat.RAW,
      storageDomains: [{ name: "data" }] });
    await waitFor(() => disks.diskService(disk.id).get(), (d) => d.status === "ok", { interval: 10 });
    sim.setFaults({ latency: 300 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 150);
    await uploadDisk(connection, disk.id, new Uint8Array(${MIB}), ${MIB}, {
      pollInterval: 10, signal: controller.signal }).catch(() => {});
    await connection.close();
    await sim.close();
  `;
  const start = performance.now();
  const output = await (await spawnScript(script)).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const took = performance.now() - start;
  assert.ok(took < 6_000, `the process ended after ${took} ms (a 10 s cleanup timer held it)`);
});

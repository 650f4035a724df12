/**
 * Once `finalize` was sent, a transfer's result is never destroyed because its outcome could
 * not be learned at once, over real HTTP against the simulator: a proxy answering 503 right
 * after the finalize, a finalize whose answer is lost (carried out all the same), a finalize
 * the proxy refused (never carried out: sent again), an outage longer than `phaseTimeout`
 * (the disk or file is kept and the error says so).
 */

import assert from "node:assert/strict";
import {
  Connection,
  downloadImage,
  OvirtError,
  TimeoutError,
  types,
  uploadImage,
  waitFor,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 10, chunkSize: MIB, connections: 2 };

/**
 * A simulator whose lifecycle steps take 50 ms, whose API requests are logged (and handed to
 * `onRequest`, which a test may set, as they are answered), and a connection that sends each
 * request once (no transport retry hides an outage).
 */
async function setup() {
  const log: string[] = [];
  const t = {
    onRequest: (_line: string, _sim: Simulator) => {},
  };
  const sim: Simulator = await startSimulator({
    delay: 50,
    log: (line) => {
      log.push(line);
      t.onRequest(line, sim);
    },
  });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    retry: false,
  });
  return Object.assign(t, {
    sim,
    connection,
    log,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
    },
  });
}

/** Arms `faults` once the answer to the first `finalize` is on its way. */
function afterFinalize(faults: Parameters<Simulator["setFaults"]>[0]) {
  let armed = false;
  return (line: string, sim: Simulator) => {
    if (!armed && / \/\S+\/finalize \d+$/.test(line)) {
      armed = true;
      sim.setFaults(faults);
    }
  };
}

/** A file of `size` bytes of data (no zeros). */
async function dataFile(size: number): Promise<string> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 131) % 251) + 1;
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-finalize-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/** The phases of every transfer of disk `diskId`. */
async function phases(connection: Connection, diskId: string): Promise<string[]> {
  const transfers = await connection.systemService().imageTransfersService().list();
  return transfers.filter((t) => t.disk?.id === diskId).map((t) => t.phase!);
}

Deno.test("a proxy answering 503 right after finalize: the upload resolves and its disk stays", async () => {
  await using t = await setup();
  t.onRequest = afterFinalize({ proxyErrorNext: 6, proxyStatus: 503 });
  const path = await dataFile(2 * MIB);
  try {
    const { disk, transfer } = await uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: "data",
      name: "after-finalize",
    });
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.equal(t.log.filter((line) => / 503$/.test(line)).length, 6, "the outage was met");
    assert.deepEqual(t.log.filter((line) => /\/cancel /.test(line)), [], "never cancelled");
    const disks = t.connection.systemService().disksService();
    assert.equal((await disks.diskService(disk.id!).get()).status, types.DiskStatus.OK);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a finalize whose answer is lost: its phase is asked for, the transfer is not cancelled", async () => {
  await using t = await setup();
  const path = await dataFile(2 * MIB);
  let armed = false;
  try {
    const { disk } = await uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: "data",
      name: "lost-finalize",
      onProgress: ({ transferred, total }) => {
        // The next POST of the API is the finalize: carried out, its answer never sent.
        if (!armed && transferred === total) {
          armed = true;
          t.sim.setFaults({ dropAnswerNextPosts: 1 });
        }
      },
    });
    assert.ok(armed);
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.deepEqual(t.log.filter((line) => /\/cancel /.test(line)), [], "never cancelled");
    assert.equal(t.log.filter((line) => /\/finalize /.test(line)).length, 1, "finalized once");
    assert.deepEqual(await phases(t.connection, disk.id!), [
      types.ImageTransferPhase.FINISHED_SUCCESS,
    ]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a finalize the proxy refused with 503 is sent again once the transfer shows it never came", async () => {
  await using t = await setup();
  const path = await dataFile(MIB);
  let armed = false;
  try {
    const { disk } = await uploadImage(t.connection, path, {
      ...FAST,
      storageDomain: "data",
      name: "refused-finalize",
      onProgress: ({ transferred, total }) => {
        if (!armed && transferred === total) {
          armed = true;
          t.sim.setFaults({ proxyErrorNext: 1, proxyStatus: 503 });
        }
      },
    });
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.deepEqual(
      t.log.filter((line) => /\/finalize /.test(line)).map((line) => line.split(" ").at(-1)),
      ["503", "200"],
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a proxy answering 503 right after finalize: the download resolves and its file stays", async () => {
  await using t = await setup();
  const source = await dataFile(2 * MIB);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-finalize-" });
  const copy = `${dir}/copy.raw`;
  try {
    const { disk } = await uploadImage(t.connection, source, { ...FAST, storageDomain: "data" });
    t.onRequest = afterFinalize({ proxyErrorNext: 6, proxyStatus: 503 });
    const { transfer } = await downloadImage(t.connection, disk.id!, copy, FAST);
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.equal(t.log.filter((line) => / 503$/.test(line)).length, 6, "the outage was met");
    assert.deepEqual(await Deno.readFile(copy), await Deno.readFile(source));
    assert.deepEqual(t.log.filter((line) => /\/cancel /.test(line)), [], "never cancelled");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(source);
  }
});

Deno.test("an outage longer than phaseTimeout after finalize: the disk is kept and the error says so", async () => {
  await using t = await setup();
  t.onRequest = afterFinalize({ proxyError: 1, proxyStatus: 503 });
  const path = await dataFile(MIB);
  try {
    const error = await uploadImage(t.connection, path, {
      ...FAST,
      phaseTimeout: 300,
      storageDomain: "data",
      name: "unknown-end",
    }).then(() => undefined, (error) => error);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /last failure: .*503/);
    assert.match(error.message, /was asked to finalize; whether it succeeded is not known/);
    const [, diskId] = error.message.match(/; disk (\S+) \("unknown-end"\) is kept/) ?? [];
    assert.ok(diskId, error.message);
    t.sim.setFaults({ proxyError: undefined });
    const disk = await waitFor(
      () => t.connection.systemService().disksService().diskService(diskId).get(),
      (d) => d.status !== types.DiskStatus.LOCKED,
      { interval: 10, timeout: 5000 },
    );
    assert.equal(disk.status, types.DiskStatus.OK, "the upload had succeeded: its disk is there");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an outage longer than phaseTimeout after a download's finalize: the complete file is kept", async () => {
  await using t = await setup();
  const source = await dataFile(MIB);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-finalize-" });
  const copy = `${dir}/copy.raw`;
  try {
    const { disk } = await uploadImage(t.connection, source, { ...FAST, storageDomain: "data" });
    t.onRequest = afterFinalize({ proxyError: 1, proxyStatus: 503 });
    const error = await downloadImage(t.connection, disk.id!, copy, { ...FAST, phaseTimeout: 300 })
      .then(() => undefined, (error) => error);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /was asked to finalize; whether it succeeded is not known/);
    assert.ok(error.message.endsWith(`; every byte was received and ${copy} is kept`));
    assert.deepEqual(await Deno.readFile(copy), await Deno.readFile(source));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(source);
  }
});

Deno.test("a finalize whose answer never comes ends at phaseTimeout, its disk kept", async () => {
  await using t = await setup();
  const path = await dataFile(MIB);
  try {
    let stalled = false;
    const error = await uploadImage(t.connection, path, {
      ...FAST,
      phaseTimeout: 500,
      storageDomain: "data",
      name: "stalled-finalize",
      onProgress: ({ transferred, total }) => {
        if (stalled || transferred < total) return;
        stalled = true; // every answer from now on stalls: finalize's first
        t.sim.setFaults({ stallAnswer: 1 });
      },
    }).then(() => undefined, (error) => error);
    assert.ok(stalled, "the faults were set before finalize");
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /was asked to finalize; whether it succeeded is not known/);
    assert.match(error.message, /; disk \S+ \("stalled-finalize"\) is kept/);
  } finally {
    t.sim.setFaults({ stallAnswer: undefined });
    await Deno.remove(path);
  }
});

Deno.test("an abort once finalize was sent keeps the uploaded disk and the downloaded file", async () => {
  await using t = await setup();
  const source = await dataFile(MIB);
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-finalize-" });
  const copy = `${dir}/copy.raw`;
  /** A signal aborted ("stop") once the first finalize is answered. */
  const abortAtFinalize = () => {
    const controller = new AbortController();
    t.onRequest = (line) => {
      if (/ \/\S+\/finalize \d+$/.test(line)) controller.abort("stop");
    };
    return controller.signal;
  };
  const outcome = (call: Promise<unknown>) => call.then(() => assert.fail("resolved"), (e) => e);
  try {
    const upload = await outcome(uploadImage(t.connection, source, {
      ...FAST,
      storageDomain: "data",
      name: "kept-up",
      signal: abortAtFinalize(),
    }));
    assert.ok(upload instanceof OvirtError, String(upload));
    assert.equal(upload.cause, "stop");
    assert.match(upload.message, /; disk (\S+) \("kept-up"\) is kept/);
    const disks = t.connection.systemService().disksService();
    const [disk] = await disks.list({ search: "name=kept-up" });
    assert.ok(disk, "the disk of an upload aborted once finalized is kept");
    const ok = await waitFor(
      () => disks.diskService(disk.id!).get(),
      (d) => d.status !== types.DiskStatus.LOCKED,
      { interval: 10, timeout: 5000 },
    );
    assert.equal(ok.status, types.DiskStatus.OK);

    const download = await outcome(
      downloadImage(t.connection, disk.id!, copy, { ...FAST, signal: abortAtFinalize() }),
    );
    assert.ok(download instanceof OvirtError, String(download));
    assert.equal(download.cause, "stop");
    assert.ok(download.message.endsWith(`; every byte was received and ${copy} is kept`));
    assert.deepEqual(await Deno.readFile(copy), await Deno.readFile(source));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(source);
  }
});

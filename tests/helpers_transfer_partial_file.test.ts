/**
 * `downloadImage` removes its partial file first, on an abort or a failure, before asking
 * anything of the engine, over real HTTP against the simulator: while the requests that
 * follow (cancelling the transfer, asking why it stopped) get no answer, the file is
 * already gone, so a process killed meanwhile leaves no full-size but incomplete file.
 */

import assert from "node:assert/strict";
import { Connection, downloadImage, OvirtError, uploadImage, waitFor } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const MIB = 1024 * 1024;
const SMALL = { chunkSize: 256 * 1024, connections: 1, pollInterval: 10 };

/** A simulator, a connection and a disk holding 4 MiB of data, and where to download it. */
async function setup() {
  const sim = await startSimulator({ delay: 0 });
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-partial-" });
  const bytes = new Uint8Array(4 * MIB);
  for (let i = 0; i < bytes.length; i++) bytes[i] = ((i * 131) % 251) + 1;
  await Deno.writeFile(`${dir}/source.raw`, bytes);
  const { disk } = await uploadImage(connection, `${dir}/source.raw`, {
    ...SMALL,
    storageDomain: "data",
  });
  return {
    sim,
    connection,
    diskId: disk.id!,
    target: `${dir}/copy.raw`,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Resolves once no file is at `path` (within 2 s; the engine's answers take longer). */
function gone(path: string): Promise<unknown> {
  return waitFor(
    () => Deno.stat(path).then(() => true, () => false),
    (exists) => !exists,
    { interval: 5, timeout: 2000, description: `${path} to be removed` },
  );
}

/** `promise`, noting whether it has settled. */
function watched<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(() => state.settled = true, () => state.settled = true);
  return state;
}

/**
 * Makes every API request from then on go unanswered, once: `stall` does it (from the
 * download's progress), `stalled` resolves when it has (the file exists then).
 */
function engineStalls(sim: Simulator) {
  const { promise: stalled, resolve } = Promise.withResolvers<void>();
  let done = false;
  const stall = () => {
    if (done) return false;
    done = true;
    sim.setFaults({ stallAnswer: 1 });
    resolve();
    return true;
  };
  return { stall, stalled };
}

Deno.test("an aborted download removes its file before cancelling the transfer, which stalls", async () => {
  await using t = await setup();
  const controller = new AbortController();
  const reason = new Error("Ctrl-C");
  const { stall, stalled } = engineStalls(t.sim);
  const download = watched(downloadImage(t.connection, t.diskId, t.target, {
    ...SMALL,
    phaseTimeout: 4000, // the cleanup then takes up to 4 s
    signal: controller.signal,
    onProgress: () => {
      if (stall()) controller.abort(reason);
    },
  }));
  await stalled;
  await gone(t.target);
  assert.equal(download.settled, false, "the cancel is still waiting for an answer");
  // The cancel got no answer: the error says so, with the abort's reason as its cause.
  const error = await download.promise.then(() => undefined, (error) => error);
  assert.ok(error instanceof OvirtError && error.cause === reason, String(error));
  assert.match(error.message, /^Ctrl-C; image transfer \S+ could not be cancelled/);
});

Deno.test("a failed download removes its file before asking the engine why, which stalls", async () => {
  await using t = await setup();
  t.sim.setTransferQuirks({ stopAfterBytes: MIB, stopAs: "cancelled_system" });
  const { stall, stalled } = engineStalls(t.sim);
  const download = watched(downloadImage(t.connection, t.diskId, t.target, {
    ...SMALL,
    phaseTimeout: 4000,
    onProgress: stall,
  }));
  await stalled;
  await gone(t.target);
  assert.equal(download.settled, false, "the questions to the engine get no answer yet");
  await assert.rejects(download.promise);
});

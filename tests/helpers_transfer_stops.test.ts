/**
 * `uploadImage` and `downloadImage` when the engine stops the transfer while bytes move,
 * over real HTTP against the simulator: cancelled by the system, cancelled by a user from
 * another session, failed outright. Each rejects with an `OvirtError` naming the phase and
 * the engine's reason, never finalizes, leaves no disk (upload) or no partial file
 * (download), and does not hang while the daemon refuses the ticket.
 */

import assert from "node:assert/strict";
import { Connection, downloadImage, OvirtError, types, uploadImage, waitFor } from "../mod.ts";
import type { TransferStop } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 * 1024;
const FAST = { pollInterval: 5, chunkSize: MIB, connections: 4 };
const SIZE = 8 * MIB;

/**
 * A simulator whose lifecycle steps take 100 ms (a cancelled transfer shows its phase for a
 * few of them), a connection, and the log of the API requests made.
 */
async function setup() {
  const log: string[] = [];
  return { ...await simulatorSession({ delay: 100, log: (line) => log.push(line) }), log };
}

/** A file of `SIZE` bytes of data (no zeros: every byte travels). */
async function denseFile(): Promise<string> {
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = ((i * 131) % 251) + 1;
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-stop-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/** What the error says for each way of stopping, with the disk's name. */
function expected(how: TransferStop, action: string, disk: string): RegExp {
  const named = `Image ${action} of disk ${disk}`;
  return {
    paused_system: /x^/,
    // The engine moves on to `finalizing_failure` at its next look: a helper that looks later
    // (a loaded machine) sees that phase, and the event's reason still says the system stopped it.
    cancelled_system: new RegExp(
      String.raw`(was cancelled by the system \(phase cancelled_system\)|` +
        String.raw`failed \(phase (finalizing|finished)_failure\)): ` +
        String.raw`Transfer was stopped by system\. Reason: the host went away\.$`,
    ),
    cancelled_user: new RegExp(
      String
        .raw`was cancelled by a user \(phase cancelled_user\): ${named} was cancelled by a user\.$`,
    ),
    finished_failure: new RegExp(
      String.raw`failed \(phase (finalizing|finished)_failure\): ${named} failed\. ` +
        String.raw`Reason: the host went away\.$`,
    ),
  }[how];
}

/**
 * The transfers of disk `diskId` in `direction` end `finished_failure`, and none was ever
 * finalized.
 */
async function endedUnfinalized(
  t: Awaited<ReturnType<typeof setup>>,
  diskId: string,
  direction: types.ImageTransferDirection,
) {
  const transfers = t.connection.systemService().imageTransfersService();
  const mine = (await transfers.list())
    .filter((item) => item.disk?.id === diskId && item.direction === direction);
  assert.ok(mine.length > 0);
  for (const item of mine) {
    const ended = await waitFor(
      () => transfers.imageTransferService(item.id!).get(),
      (value) => value.phase === types.ImageTransferPhase.FINISHED_FAILURE,
      { interval: 20, timeout: 10_000 },
    );
    assert.equal(ended.phase, types.ImageTransferPhase.FINISHED_FAILURE);
  }
  assert.deepEqual(t.log.filter((line) => /\/finalize /.test(line)), [], "never finalized");
}

const STOPS = ["cancelled_system", "cancelled_user", "finished_failure"] as const;

for (const how of STOPS) {
  Deno.test(`uploadImage: a transfer ${how} mid-way rejects with the phase and reason`, async () => {
    await using t = await setup();
    const path = await denseFile();
    const diskId = crypto.randomUUID();
    try {
      t.sim.setTransferQuirks({
        stopAfterBytes: 3 * MIB,
        stopAs: how,
        stopReason: "the host went away",
      });
      const error = await uploadImage(t.connection, path, {
        ...FAST,
        storageDomain: "data",
        name: "stopped",
        diskId,
      }).then(() => undefined, (error: unknown) => error);
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      assert.match(error.message, expected(how, "Upload", "stopped"));
      assert.ok(
        error.cause instanceof OvirtError && error.cause.code === 403,
        "the daemon refused",
      );
      assert.ok(t.sim.imageTraffic.bytesWritten < SIZE, "stopped before the end");
      await endedUnfinalized(t, diskId, types.ImageTransferDirection.UPLOAD);
      const disks = t.connection.systemService().disksService();
      const left = await disks.list({ search: "name=stopped" });
      assert.deepEqual(left, [], "the new disk is removed, as documented");
    } finally {
      await Deno.remove(path);
    }
  });

  Deno.test(`downloadImage: a transfer ${how} mid-way rejects and removes the file`, async () => {
    await using t = await setup();
    const source = await denseFile();
    const target = `${source}.download`;
    try {
      const { disk } = await uploadImage(t.connection, source, {
        ...FAST,
        storageDomain: "data",
        name: "source",
      });
      t.sim.setTransferQuirks({
        stopAfterBytes: 3 * MIB,
        stopAs: how,
        stopReason: "the host went away",
      });
      t.log.length = 0; // the upload's finalize does not count
      const error = await downloadImage(t.connection, disk.id!, target, FAST)
        .then(() => undefined, (error: unknown) => error);
      assert.ok(error instanceof OvirtError, `an OvirtError, not ${error}`);
      assert.match(error.message, expected(how, "Download", "source"));
      await assert.rejects(Deno.stat(target), Deno.errors.NotFound, "the partial file is removed");
      await endedUnfinalized(t, disk.id!, types.ImageTransferDirection.DOWNLOAD);
      const after = await t.connection.systemService().disksService().diskService(disk.id!).get();
      assert.equal(after.status, types.DiskStatus.OK, "the disk is unlocked");
    } finally {
      await Deno.remove(source);
    }
  });
}

Deno.test("a stopped transfer's event carries the correlation id its add was sent with", async () => {
  await using t = await setup();
  const lines: string[] = [];
  await using connection = new Connection({
    url: t.sim.url,
    username: t.sim.username,
    password: t.sim.password,
    debug: true, // shows the header the transfer's add is sent with
    log: (line) => lines.push(...line.split("\n")),
  });
  const path = await denseFile();
  try {
    t.sim.setTransferQuirks({ stopAfterBytes: 3 * MIB, stopReason: "the host went away" });
    await assert.rejects(uploadImage(connection, path, { ...FAST, storageDomain: "data" }));
    const add = lines.findIndex((line) => /^> POST \S+\/imagetransfers$/.test(line));
    const header = lines.slice(add).find((line) => line.startsWith("> correlation-id: "));
    assert.ok(add >= 0 && header, "the add and its header are in the debug log");
    const events = await connection.systemService().eventsService().list({
      search: `correlation_id=${header.slice("> correlation-id: ".length)}`,
    });
    assert.ok(
      events.some((event) => /Transfer was stopped by system/.test(event.description ?? "")),
      events.map((event) => event.description).join("\n"),
    );
  } finally {
    await Deno.remove(path);
  }
});

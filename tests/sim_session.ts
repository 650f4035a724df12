/**
 * A simulator and a connection to it as its administrator, for tests that need nothing more
 * particular: `await using session = await simulatorSession({ delay: 0 })`; the connection
 * and then the simulator close when the session is disposed.
 */

import assert from "node:assert/strict";
import { Connection, OvirtError, types, waitFor } from "../mod.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "../testing/mod.ts";

/** What {@link simulatorSession} gives. */
export interface SimulatorSession extends AsyncDisposable {
  readonly sim: Simulator;
  readonly connection: Connection;
}

/** Starts a simulator with `options` and connects to it. */
export async function simulatorSession(options: SimulatorOptions = {}): Promise<SimulatorSession> {
  const sim = await startSimulator(options);
  const connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  return {
    sim,
    connection,
    async [Symbol.asyncDispose]() {
      await connection.close();
      await sim.close();
    },
  };
}

/** A raw disk of `size` bytes on the storage domain `data`, once it is `ok`: ready for uploads. */
export async function rawDisk(connection: Connection, size: number): Promise<string> {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "target",
    provisionedSize: size,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: "data" }],
  });
  await waitFor(() => disks.diskService(disk.id!).get(), (d) => d.status === "ok", {
    interval: 5,
    timeout: 5000,
  });
  return disk.id!;
}

/** Asserts that `promise` fails with an `OvirtError` of HTTP `code` whose fault detail matches. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: number,
  detail?: RegExp,
): Promise<OvirtError> {
  let caught: unknown;
  await promise.catch((error) => caught = error);
  assert.ok(caught instanceof OvirtError, `expected an OvirtError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (detail) assert.match(caught.fault?.detail ?? "", detail);
  return caught;
}

/**
 * Sends raw requests to `sim` as its administrator (Basic authentication, XML bodies): for
 * tests of the simulator's own answers, with no SDK in between.
 */
export function rawSender(sim: Simulator) {
  return async (method: string, path: string, body?: string) => {
    const answer = await fetch(`${sim.url}/${path}`, {
      method,
      body,
      headers: {
        Authorization: "Basic " + btoa(`${sim.username}:${sim.password}`),
        "Content-Type": "application/xml",
        Accept: "application/xml",
      },
    });
    return { status: answer.status, text: await answer.text() };
  };
}

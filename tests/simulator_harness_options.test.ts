/**
 * `startSimulator` and `setTransferQuirks` refuse option values of the wrong type and image
 * transfer quirks that make no sense, naming the option, rather than starting a simulator
 * that behaves otherwise than asked (`tls: "no"` serving HTTPS, `log: "yes"` failing every
 * request, `cutEvery: 0.5` cutting every transfer).
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type SimulatorOptions, startSimulator, type TransferQuirks } from "../testing/mod.ts";

/** Asserts that `startSimulator(options)` rejects with a RangeError saying `message`. */
async function refused(options: Record<string, unknown>, message: string): Promise<void> {
  await assert.rejects(startSimulator(options as SimulatorOptions), (error: unknown) => {
    assert.ok(error instanceof RangeError, `${JSON.stringify(options)}: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("simulator harness options: a value of the wrong type is refused, naming the option", async () => {
  await refused(
    { tls: "no" },
    "The simulator's tls must be true, false or another simulator's tls, not \"no\"",
  );
  await refused({ empty: 1 }, "The simulator's empty must be true or false, not 1");
  await refused({ log: "yes" }, 'The simulator\'s log must be a function, not "yes"');
  await refused({ keytab: 5 }, "The simulator's keytab must be the path of a keytab file, not 5");
  await refused({ transfers: 5 }, "The simulator's transfers must be an object, not 5");
});

Deno.test("simulator harness options: transfer quirks that make no sense are refused, naming the quirk", async () => {
  const wrong: [Record<string, unknown>, string][] = [
    [
      { stopAs: "cancelled", stopAfterBytes: 1 },
      'The simulator\'s transfers.stopAs must be one of "paused_system", "cancelled_system", ' +
      '"cancelled_user", "finished_failure", not "cancelled"',
    ],
    [
      { cutEvery: -1 },
      "The simulator's transfers.cutEvery must be a whole number from 1 up, not -1",
    ],
    [
      { cutEvery: 0.5 },
      "The simulator's transfers.cutEvery must be a whole number from 1 up, not 0.5",
    ],
    [{ cutEvery: 0 }, "The simulator's transfers.cutEvery must be a whole number from 1 up, not 0"],
    [
      { stopAfterBytes: -5 },
      "The simulator's transfers.stopAfterBytes must be a whole number from 0 up, not -5",
    ],
    [
      { legacyDaemon: "yes" },
      'The simulator\'s transfers.legacyDaemon must be true or false, not "yes"',
    ],
    [{ stopReason: 3 }, "The simulator's transfers.stopReason must be a string, not 3"],
    [
      { cutevery: 2 },
      '"transfers.cutevery" is not a transfer quirk of the simulator (did you mean "transfers.cutEvery"?)',
    ],
  ];
  for (const [transfers, message] of wrong) await refused({ transfers }, message);
});

Deno.test("simulator harness options: the retryAfter bound is a whole number of seconds", async () => {
  await refused(
    { retryAfter: 1.5 },
    "The simulator's retryAfter must be a whole number from 0 to 2147483, not 1.5",
  );
});

Deno.test("simulator harness options: setTransferQuirks refuses what no quirk can be; sensible quirks are taken", async () => {
  await using sim = await startSimulator({ empty: true, delay: 0, transfers: { cutEvery: 3 } });
  const set = (quirks: Record<string, unknown>) => () =>
    sim.setTransferQuirks(quirks as TransferQuirks);
  assert.throws(set({ cutEvery: 0.5 }), {
    name: "RangeError",
    message: "The simulator's cutEvery must be a whole number from 1 up, not 0.5",
  });
  assert.throws(set({ stopAs: "cancelled" }), {
    name: "RangeError",
    message: /stopAs must be one of/,
  });
  assert.throws(set({ unreachablehost: true }), {
    name: "RangeError",
    message:
      '"unreachablehost" is not a transfer quirk of the simulator (did you mean "unreachableHost"?)',
  });
  assert.doesNotThrow(set({ stopAs: "paused_system", stopAfterBytes: 0, cutEvery: 1 }));
  // Options that make sense still start a simulator that answers.
  await using other = await startSimulator({
    empty: true,
    delay: 0,
    tls: false,
    log: () => {},
    transfers: { stopAs: "cancelled_user", stopAfterBytes: 10, legacyDaemon: false },
  });
  await using connection = new Connection({
    url: other.url,
    username: other.username,
    password: other.password,
  });
  assert.equal(await connection.test(), true);
});

/**
 * `startSimulator` and `setFaults` refuse a name that is not one of their options (a typo
 * would otherwise leave the fault a test means to inject off, and the test green), naming
 * it and the option meant.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type FaultOptions, type SimulatorOptions, startSimulator } from "../testing/mod.ts";

Deno.test("simulator option names: startSimulator refuses a misspelled option, naming the one meant", async () => {
  const wrong: [Record<string, unknown>, string][] = [
    [
      { delay: 0, lockedfirst: 1 },
      '"lockedfirst" is not an option of the simulator (did you mean "lockedFirst"?)',
    ],
    [
      { proxyErrorNxt: 2 },
      '"proxyErrorNxt" is not an option of the simulator (did you mean "proxyErrorNext"?)',
    ],
    [
      { token_lifetime: 5 },
      '"token_lifetime" is not an option of the simulator (did you mean "tokenLifetime"?)',
    ],
    [{ vm: 3 }, '"vm" is not an option of the simulator'],
    [{ bogus: undefined }, '"bogus" is not an option of the simulator'],
  ];
  for (const [options, message] of wrong) {
    await assert.rejects(startSimulator(options as SimulatorOptions), (error: unknown) => {
      assert.ok(error instanceof RangeError, `${Object.keys(options)}: ${error}`);
      assert.equal(error.message, message);
      return true;
    });
  }
});

Deno.test("simulator option names: setFaults refuses a misspelled fault, or a start option, and keeps its faults", async () => {
  await using sim = await startSimulator({ empty: true, delay: 0 });
  const set = (faults: Record<string, unknown>) => () => sim.setFaults(faults as FaultOptions);
  assert.throws(set({ proxyErrorNxt: 2 }), {
    name: "RangeError",
    message:
      '"proxyErrorNxt" is not a fault option of the simulator (did you mean "proxyErrorNext"?)',
  });
  assert.throws(set({ lockedFirst: 1, stallanswer: 1 }), {
    name: "RangeError",
    message: '"stallanswer" is not a fault option of the simulator (did you mean "stallAnswer"?)',
  });
  assert.throws(set({ delay: 5 }), {
    name: "RangeError",
    message: '"delay" is not a fault option of the simulator',
  });
  // Nothing of a refused call was applied: no lockedFirst, so an update goes through at once.
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    retry: false,
  });
  const tags = connection.systemService().tagsService();
  const tag = await tags.add({ name: "t" });
  await tags.tagService(tag.id!).update({ description: "d" });
  assert.doesNotThrow(set({ proxyErrorNext: undefined, lockedFirst: 0 }), "known names are taken");
});

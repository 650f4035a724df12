/**
 * `followEvents` refusing a bad `from`, `max`, `interval` or `requestTimeout`: the message
 * shows the value as it was given, a string in quotes and named so (a resume id read from a
 * state file and passed on unconverted), never as if it were the number it looks like.
 */

import assert from "node:assert/strict";
import { followEvents, type FollowEventsOptions, OvirtError } from "../mod.ts";

/** The message `followEvents` refuses `options` with (it must refuse them). */
async function refusal(options: unknown): Promise<string> {
  const source = { list: () => Promise.resolve([]) };
  try {
    const signal = AbortSignal.timeout(1000);
    const followed = followEvents(source, { ...(options as FollowEventsOptions), signal });
    for await (const _ of followed) { /* nothing */ }
  } catch (error) {
    assert.ok(error instanceof OvirtError, `${error}`);
    return error.message;
  }
  throw new Error(`not refused: ${JSON.stringify(options)}`);
}

Deno.test("followEvents shows a refused from, max or interval as what it is", async () => {
  assert.equal(
    await refusal({ from: "1200" }),
    'followEvents: from must be an integer or "latest", not "1200" (a string)',
  );
  assert.equal(
    await refusal({ from: "1200\n" }),
    'followEvents: from must be an integer or "latest", not "1200\\n" (a string)',
  );
  assert.equal(
    await refusal({ from: "latest " }),
    'followEvents: from must be an integer or "latest", not "latest " (a string)',
  );
  assert.equal(
    await refusal({ from: 1200.5 }),
    'followEvents: from must be an integer or "latest", not 1200.5',
  );
  assert.equal(
    await refusal({ max: "500" }),
    'followEvents: max must be a positive integer, not "500" (a string)',
  );
  assert.equal(
    await refusal({ requestTimeout: 0 }),
    "followEvents: requestTimeout must be a positive number of milliseconds, not 0",
  );
  assert.equal(
    await refusal({ requestTimeout: "60000" }),
    'followEvents: requestTimeout must be a positive number of milliseconds, not "60000" (a string)',
  );
  assert.equal(
    await refusal({ interval: null }),
    "followEvents: interval must be a number of milliseconds, not null",
  );
});

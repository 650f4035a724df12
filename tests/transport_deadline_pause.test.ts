/**
 * A paused `Deadline` (a `listStream` loop working on an item) neither ends the call nor wakes
 * up while paused, however little time is left; once resumed it ends on time.
 */

import assert from "node:assert/strict";
import { Deadline } from "../transport/deadline.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("a deadline paused with little time left waits without waking up, then ends on time", async () => {
  using deadline = new Deadline(100);
  await sleep(80);
  deadline.pause();
  const armed: number[] = [];
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((handler: () => void, ms?: number) => {
    armed.push(ms ?? 0);
    return original(handler, ms);
  }) as typeof setTimeout;
  try {
    await new Promise((resolve) => original(resolve, 400)); // the loop's own work
  } finally {
    globalThis.setTimeout = original;
  }
  assert.deepEqual(armed, [], "no timer armed while paused");
  assert.equal(deadline.signal?.aborted, false, "paused: not over");
  deadline.resume();
  assert.ok(deadline.remaining() > 0 && deadline.remaining() <= 20, `${deadline.remaining()} ms`);
  await sleep(60);
  assert.equal(deadline.signal?.aborted, true, "over once its time ran after the pause");
});

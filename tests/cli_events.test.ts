/**
 * `ovirt events follow` across an engine outage: the simulator stops (connections refused)
 * and starts again on the same port; the follow prints one warning, waits, and goes on with
 * the events logged after the restart (all of them), until Ctrl-C.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { cliHome, simulatorEnv, spawnOvirt } from "./cli_harness.ts";

/** Collects what `stream` carries into `text()` as it comes. */
function collect(stream: ReadableStream<Uint8Array>): { text(): string; done: Promise<void> } {
  let text = "";
  const done = stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (text += chunk) }),
  );
  return { text: () => text, done };
}

/** Resolves once `check()` holds, trying every 100 ms; fails after `timeout` ms. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Logs an event with `description` on the simulator at `url`. */
async function logEvent(url: string, password: string, description: string): Promise<void> {
  await using connection = new Connection({ url, username: "admin@internal", password });
  await connection.systemService().eventsService().add({
    description,
    severity: "normal",
    origin: "cli-test",
    customId: 7,
  });
}

Deno.test("events follow waits out an engine restart with one warning, then goes on", async () => {
  await using home = await cliHome();
  const password = "outage-pass";
  let sim = await startSimulator({ delay: 0, password });
  const port = Number(new URL(sim.url).port);
  const child = spawnOvirt(
    ["events", "follow", "--interval", "100ms"],
    { ...home.env, ...simulatorEnv(sim) },
  );
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  try {
    await until(async () => {
      await logEvent(sim.url, password, "before the outage");
      return stdout.text().includes("before the outage");
    }, "the first event");

    await sim.close(); // connections refused from now on
    await until(() => /retrying/.test(stderr.text()), "the warning", 60_000);
    sim = await startSimulator({ delay: 0, password, port });
    // Its log starts again (lower ids): the follow notices, and shows the events logged
    // since, those logged before it noticed included.
    await logEvent(sim.url, password, "after the restart");
    await until(() => stdout.text().includes("after the restart"), "the event after the restart");

    child.kill("SIGINT");
    const status = await child.status;
    await Promise.all([stdout.done, stderr.done]);
    assert.equal(status.code, 130, stderr.text());
    const warnings = stderr.text().trimEnd().split("\n");
    assert.equal(warnings.length, 1, stderr.text());
    assert.match(warnings[0], /^ovirt: events follow: .*; retrying until the engine answers/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // It has ended.
    }
    await child.status;
    await sim.close();
  }
});

Deno.test("events follow without --from rides out an outage at its start too", async () => {
  await using home = await cliHome();
  const password = "outage-pass";
  await using sim = await startSimulator({ delay: 0, password, proxyErrorNext: 12 });
  const child = spawnOvirt(
    ["events", "follow", "--interval", "100ms"],
    { ...home.env, ...simulatorEnv(sim) },
  );
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  try {
    await until(() => /retrying/.test(stderr.text()), "the warning", 60_000);
    await until(
      async () => {
        await logEvent(sim.url, password, "after the outage").catch(() => {});
        return stdout.text().includes("after the outage");
      },
      "an event after the outage",
      90_000,
    );
    child.kill("SIGINT");
    const status = await child.status;
    await Promise.all([stdout.done, stderr.done]);
    assert.equal(status.code, 130, stderr.text());
    assert.equal(stderr.text().trimEnd().split("\n").length, 1, stderr.text());
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // It has ended.
    }
    await child.status;
  }
});

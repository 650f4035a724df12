import assert from "node:assert/strict";
import { OvirtError, TimeoutError, types, waitForJobs } from "../mod.ts";
import type { SimulatorOptions } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

async function connect(options: SimulatorOptions) {
  const session = await simulatorSession({ empty: true, ...options });
  const system = session.connection.systemService();
  return { ...session, tags: system.tagsService(), jobs: system.jobsService() };
}

const withId = (correlationId: string) => ({ correlationId });
const POLL = { interval: 5, timeout: 10_000 };

Deno.test("waitForJobs resolves once every job of the correlation id finished", async () => {
  await using env = await connect({ delay: 200 });
  await env.tags.add({ name: "a" }, withId("batch-1"));
  await env.tags.add({ name: "b" }, withId("batch-1"));
  await env.tags.add({ name: "elsewhere" }, withId("batch-2"));
  const jobs = await waitForJobs(env.connection, "batch-1", POLL);
  assert.deepEqual(jobs.map((job) => job.description).sort(), ["Add Tag a", "Add Tag b"]);
  assert.ok(jobs.every((job) => job.status === types.JobStatus.FINISHED));
});

Deno.test("waitForJobs rejects naming the step where a job failed", async () => {
  await using env = await connect({ delay: 0 });
  await env.tags.add({ name: "fine" }, withId("mixed"));
  env.sim.setFaults({ jobFailureNext: 1 });
  await env.tags.add({ name: "broken" }, withId("mixed"));
  await assert.rejects(waitForJobs(env.jobs, "mixed", POLL), (error: Error) => {
    assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError));
    assert.equal(
      error.message,
      'Job "Add Tag broken" of correlation id mixed ended failed at step "Executing"',
    );
    return true;
  });
});

Deno.test("waitForJobs times out naming the jobs still running", async () => {
  await using env = await connect({ delay: 60_000 });
  await env.tags.add({ name: "slow" }, withId("slow-1"));
  await assert.rejects(
    waitForJobs(env.connection, "slow-1", { interval: 5, timeout: 500 }),
    (error: Error) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /jobs of correlation id slow-1/);
      assert.match(error.message, /still running: "Add Tag slow"/);
      return true;
    },
  );
});

Deno.test("waitForJobs resolves to [] when the engine has no job of that id", async () => {
  await using env = await connect({ delay: 0 });
  assert.deepEqual(await waitForJobs(env.connection, "nothing-here", POLL), []);
});

Deno.test("waitForJobs refuses an id the engine would not keep, and stops on abort", async () => {
  await using env = await connect({ delay: 60_000 });
  for (const bad of ["", "has space", "x".repeat(37), "semi;colon"]) {
    await assert.rejects(waitForJobs(env.connection, bad), (error: Error) => {
      assert.ok(error instanceof OvirtError);
      assert.match(error.message, /is not one the engine keeps/);
      return true;
    });
  }
  await env.tags.add({ name: "long" }, withId("abort-me"));
  const controller = new AbortController();
  const waiting = waitForJobs(env.connection, "abort-me", {
    interval: 5,
    signal: controller.signal,
  });
  controller.abort(new Error("stopped by the test"));
  await assert.rejects(waiting, /stopped by the test/);
});

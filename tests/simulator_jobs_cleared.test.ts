/**
 * The simulator clears the jobs it ended, as the engine does: a `finished` one after
 * `finishedJobsKept` (10 minutes by default), a `failed` one after `failedJobsKept` (an
 * hour), so that a long run does not keep every change, and `waitForJobs` meets a job that
 * is gone as it would on an engine.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection, NotFoundError, waitForJobs } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("simulator: ended jobs are cleared after the time kept, failed ones later", async () => {
  await using sim = await startSimulator({
    delay: 0,
    tls: false,
    finishedJobsKept: 300,
    failedJobsKept: 1_500,
  });
  await using connection = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  const system = connection.systemService();
  const [vm] = await system.vmsService().list({ max: 1 });
  const vmService = system.vmsService().vmService(vm.id!);
  await vmService.update({ description: "one" }, { correlationId: "finished-one" });
  sim.setFaults({ jobFailureNext: 1 });
  await vmService.update({ description: "two" }, { correlationId: "failed-one" });
  const [finished] = await waitForJobs(connection, "finished-one", { interval: 10 });
  await assert.rejects(waitForJobs(connection, "failed-one", { interval: 10 }), /ended failed/);
  const failed = (await system.jobsService().list()).find((job) => job.status === "failed")!;
  assert.equal(finished.status, "finished");
  assert.ok(failed, "the failed job is listed");

  await pause(600);
  const ids = (await system.jobsService().list()).map((job) => job.id);
  assert.ok(!ids.includes(finished.id), "the finished job is cleared");
  assert.ok(ids.includes(failed.id), "the failed one is kept longer");
  await assert.rejects(system.jobsService().jobService(finished.id!).get(), NotFoundError);
  assert.deepEqual(await waitForJobs(connection, "finished-one"), []);

  await pause(1_200);
  const left = (await system.jobsService().list()).map((job) => job.id);
  assert.ok(!left.includes(failed.id), "the failed job is cleared too");
});

Deno.test("simulator: the times jobs are kept must be positive milliseconds", async () => {
  await assert.rejects(startSimulator({ finishedJobsKept: 0 }), RangeError);
  await assert.rejects(startSimulator({ failedJobsKept: -5 }), RangeError);
});

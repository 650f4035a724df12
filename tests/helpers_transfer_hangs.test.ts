/**
 * The requests the helpers make after a failure never hang, over real HTTP against the
 * simulator with a connection that has no time limit of its own: asking why a transfer
 * stopped (its phase, its events) ends within the cleanup time or at the call's abort, and
 * `waitForJobs`' look-up of the failing step ends within its `timeout` or at its abort.
 */

import assert from "node:assert/strict";
import { Connection, type JobsSource, OvirtError, uploadImage, waitForJobs } from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { outcomeWithin } from "./outcome_within.ts";

const MIB = 1024 * 1024;

/** Longer than any bounded wait here: a call still pending then hangs. */
const HANG = 20_000;

/** `promise`'s outcome, or `"still pending"` after {@link HANG} ms. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return outcomeWithin(promise, HANG);
}

function connect(sim: Simulator): Connection {
  return new Connection({ url: sim.url, username: sim.username, password: sim.password });
}

/** A file of `size` bytes of data (no zeros). */
async function dataFile(size: number): Promise<string> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 131) % 251) + 1;
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-hang-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/**
 * A simulator whose engine cancels an upload after 1 MiB, and whose next API request once
 * bytes move (asking why the transfer stopped) is never answered.
 */
async function stoppedAndStalled() {
  const sim = await startSimulator({
    delay: 20,
    transfers: { stopAfterBytes: MIB, stopAs: "cancelled_system", stopReason: "host lost" },
  });
  let armed = false;
  const onProgress = () => {
    if (!armed) {
      armed = true;
      sim.setFaults({ stallAnswerNext: 1 });
    }
  };
  return { sim, onProgress };
}

Deno.test("a stalled answer while asking why an upload stopped: it rejects within the cleanup time", async () => {
  const { sim, onProgress } = await stoppedAndStalled();
  await using _ = sim;
  await using connection = connect(sim);
  const path = await dataFile(4 * MIB);
  try {
    const result = await outcome(uploadImage(connection, path, {
      storageDomain: "data",
      pollInterval: 10,
      phaseTimeout: 500,
      chunkSize: 256 * 1024,
      connections: 1,
      onProgress,
    }));
    assert.ok(result instanceof OvirtError, String(result));
    // The question that got no answer left time to cancel.
    assert.doesNotMatch(result.message, /could not be cancelled/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a stalled answer while asking why an upload stopped: the call's abort ends it", async () => {
  const { sim, onProgress } = await stoppedAndStalled();
  await using _ = sim;
  await using connection = connect(sim);
  const path = await dataFile(4 * MIB);
  const controller = new AbortController();
  const reason = new Error("the operator gave up");
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await outcome(uploadImage(connection, path, {
      storageDomain: "data",
      pollInterval: 10,
      chunkSize: 256 * 1024,
      connections: 1,
      signal: controller.signal,
      onProgress: () => {
        if (!timer) timer = setTimeout(() => controller.abort(reason), 1000);
        onProgress();
      },
    }));
    assert.equal(result, reason);
  } finally {
    await Deno.remove(path);
  }
});

/**
 * The jobs of a simulator whose engine never answers the request for a job's steps (as an
 * engine behind a dead link does to a connection without a time limit).
 */
function stallingSteps(sim: Simulator, connection: Connection): JobsSource {
  const jobs = connection.systemService().jobsService();
  return {
    list: (options) => jobs.list(options),
    jobService: (id) => ({
      stepsService: () => ({
        list: (options) => {
          sim.setFaults({ stallAnswerNext: 1 });
          return jobs.jobService(id).stepsService().list(options);
        },
      }),
    }),
  };
}

Deno.test("waitForJobs: a stalled look-up of the failing step ends within the timeout", async () => {
  await using sim = await startSimulator({ delay: 20, jobFailureNext: 1 });
  await using connection = connect(sim);
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=up", max: 1 });
  await vms.vmService(vm.id!).stop({ correlationId: "stalled-steps" });
  const result = await outcome(
    waitForJobs(stallingSteps(sim, connection), "stalled-steps", { interval: 10, timeout: 1000 }),
  );
  assert.ok(result instanceof OvirtError, String(result));
  assert.match(result.message, /of correlation id stalled-steps ended failed$/);
});

Deno.test("waitForJobs: a stalled look-up of the failing step ends at the abort", async () => {
  await using sim = await startSimulator({ delay: 20, jobFailureNext: 1 });
  await using connection = connect(sim);
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=up", max: 1 });
  await vms.vmService(vm.id!).stop({ correlationId: "stalled-steps" });
  const controller = new AbortController();
  const reason = new Error("enough");
  const jobs = stallingSteps(sim, connection);
  const result = await outcome(waitForJobs(
    {
      list: jobs.list,
      jobService: (id) => {
        setTimeout(() => controller.abort(reason), 200);
        return jobs.jobService(id);
      },
    },
    "stalled-steps",
    { interval: 10, signal: controller.signal },
  ));
  assert.equal(result, reason);
});

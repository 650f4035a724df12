/**
 * `waitFor`, `waitForStatus` and `waitForJobs` when a poll's answer never begins (the
 * simulator's `stallAnswerNext`, as after a half-open connection): the poll is given up after
 * `pollTimeout`, its connection slot freed, and the next poll follows after `interval`, so
 * the wait resolves long before its timeout; a caller's signal still ends it at once, and a
 * script that waited so ends at once.
 */

import assert from "node:assert/strict";
import {
  Connection,
  OvirtError,
  TimeoutError,
  types,
  waitFor,
  waitForJobs,
  waitForStatus,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const TESTING = new URL("../testing/mod.ts", import.meta.url).href;

/** One request in flight at most: a poll given up must free its slot for the next. */
function connect(sim: Simulator): Connection {
  return new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    connections: 1,
  });
}

/** The service of a VM that is up, and a source counting the polls made on it. */
async function upVm(connection: Connection) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=up", max: 1 });
  const service = vms.vmService(vm.id!);
  const counted = {
    polls: 0,
    path: service.path,
    get(options?: { signal?: AbortSignal }) {
      counted.polls++;
      return service.get(options);
    },
  };
  return counted;
}

Deno.test("waitForStatus: a first poll whose answer never comes is given up after pollTimeout", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vm = await upVm(connection);
  sim.setFaults({ stallAnswerNext: 1 });
  const started = performance.now();
  const found = await waitForStatus(vm, types.VmStatus.UP, {
    interval: 200,
    timeout: 20_000,
    pollTimeout: 500,
  });
  const millis = performance.now() - started;
  assert.equal(found.status, types.VmStatus.UP);
  assert.equal(vm.polls, 2, "the stalled poll, then one that was answered");
  assert.ok(millis >= 700, `the stall was waited out (${Math.round(millis)} ms)`);
  assert.ok(millis < 5_000, `one poll limit plus an interval, not the timeout: ${millis} ms`);
});

Deno.test("waitFor: polls that never answer are failures named in the TimeoutError", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vm = await upVm(connection);
  sim.setFaults({ stallAnswer: 1 });
  const error = await waitFor((signal) => vm.get({ signal }), () => true, {
    interval: 50,
    timeout: 1_500,
    pollTimeout: 300,
    description: "a VM",
  }).then(() => undefined, (error) => error);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(
    error.message,
    /^Timed out after 1500 ms waiting for a VM; last seen: nothing \(every poll failed\); last failure: a poll took longer than 300 ms$/,
  );
  assert.ok(error.cause instanceof TimeoutError);
  assert.ok(vm.polls >= 3, `polled again after each stall: ${vm.polls} polls`);
  sim.setFaults({ stallAnswer: undefined });
  assert.equal((await vm.get()).status, types.VmStatus.UP, "no slot is left taken");
});

Deno.test("waitFor: the poll limit never outlasts the wait's timeout", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vm = await upVm(connection);
  sim.setFaults({ stallAnswerNext: 1 });
  const started = performance.now();
  await assert.rejects(
    waitForStatus(vm, types.VmStatus.UP, { interval: 50, timeout: 1_000 }), // pollTimeout 60 s
    /after 1000 ms .*last seen: nothing \(no answer came in time\)$/,
  );
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("waitForStatus: the caller's signal ends a wait on a stalled poll at once", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vm = await upVm(connection);
  sim.setFaults({ stallAnswerNext: 1 });
  const reason = new Error("stopped by the caller");
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), 200);
  const started = performance.now();
  await assert.rejects(
    waitForStatus(vm, types.VmStatus.UP, {
      interval: 50,
      timeout: 60_000,
      pollTimeout: 20_000,
      signal: controller.signal,
    }),
    (error) => error === reason,
  );
  assert.ok(performance.now() - started < 2_000, "at the abort, not at a limit");
  assert.equal(vm.polls, 1);
});

Deno.test("waitFor refuses a pollTimeout that is not a positive number", async () => {
  for (const pollTimeout of [0, -1, NaN]) {
    await assert.rejects(
      waitFor(() => Promise.resolve(1), () => true, { pollTimeout }),
      (error) =>
        error instanceof OvirtError && /pollTimeout must be a positive/.test(error.message),
    );
  }
  await assert.rejects(
    // @ts-expect-error: a number, as read from a file or a flag it is still a string
    waitFor(() => Promise.resolve(1), () => true, { pollTimeout: "500" }),
    /pollTimeout must be a positive number/,
    "a string is refused, not taken by chance",
  );
  assert.equal(await waitFor(() => Promise.resolve(1), () => true, { pollTimeout: Infinity }), 1);
});

Deno.test("waitForJobs: a stalled poll of the jobs is made again after pollTimeout", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  await connection.systemService().tagsService().add({ name: "t1" }, {
    correlationId: "stall-1",
  });
  sim.setFaults({ stallAnswerNext: 1 });
  const started = performance.now();
  const jobs = await waitForJobs(connection, "stall-1", {
    interval: 200,
    timeout: 20_000,
    pollTimeout: 500,
  });
  const millis = performance.now() - started;
  assert.deepEqual(jobs.map((job) => job.status), [types.JobStatus.FINISHED]);
  assert.ok(millis >= 700 && millis < 5_000, `resolved after ${Math.round(millis)} ms`);
});

Deno.test("waitForJobs: a stalled look for the failing step ends after pollTimeout", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  sim.setFaults({ jobFailureNext: 1 });
  await connection.systemService().tagsService().add({ name: "t2" }, {
    correlationId: "stall-2",
  });
  const jobs = connection.systemService().jobsService();
  // The steps' request stalls; every other request is answered.
  const source = {
    list: jobs.list.bind(jobs),
    jobService: (id: string) => ({
      stepsService: () => ({
        list: (options?: { signal?: AbortSignal }) => {
          sim.setFaults({ stallAnswerNext: 1 });
          return jobs.jobService(id).stepsService().list(options);
        },
      }),
    }),
  };
  const started = performance.now();
  await assert.rejects(
    waitForJobs(source, "stall-2", { interval: 50, timeout: 15_000, pollTimeout: 500 }),
    (error) => {
      assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
      assert.equal(error.message, 'Job "Add Tag t2" of correlation id stall-2 ended failed');
      return true;
    },
  );
  const millis = performance.now() - started;
  assert.ok(millis < 5_000, `the step was given up after pollTimeout: ${Math.round(millis)} ms`);
});

Deno.test("a script whose wait rode out a stalled poll ends at once: no timer is left", async () => {
  const script = `
    import { Connection, waitForStatus } from ${JSON.stringify(MOD)};
    import { startSimulator } from ${JSON.stringify(TESTING)};
    const sim = await startSimulator({ delay: 0 });
    const connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
    });
    const vms = connection.systemService().vmsService();
    const [vm] = await vms.list({ search: "status=up", max: 1 });
    const service = vms.vmService(vm.id);
    const options = { interval: 100, timeout: 600_000 };
    sim.setFaults({ stallAnswerNext: 1 });
    const started = performance.now();
    // The stalled poll, given up after 300 ms; then a wait with long limits answered at once.
    console.log((await waitForStatus(service, "up", { ...options, pollTimeout: 300 })).status);
    console.log((await waitForStatus(service, "up", { ...options, pollTimeout: 60_000 })).status);
    await connection.close();
    await sim.close();
    globalThis.addEventListener("unload", () => console.log(performance.now() - started));`;
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(45_000),
  }).output();
  assert.ok(child.success, "the script did not end by itself");
  const [first, second, millis] = new TextDecoder().decode(child.stdout).trim().split("\n");
  assert.deepEqual([first, second], ["up", "up"]);
  assert.ok(Number(millis) < 5_000, `the script ended ${millis} ms after its waits began`);
});

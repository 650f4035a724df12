import assert from "node:assert/strict";
import {
  allItems,
  Connection,
  followEvents,
  listStream,
  NotFoundError,
  OvirtError,
  pages,
  TimeoutError,
  types,
  waitFor,
  waitForJobs,
  waitForStatus,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

function connect(simulator: Simulator): Connection {
  return new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
}

Deno.test("waitForStatus follows a VM through its start lifecycle to up", async () => {
  await using simulator = await startSimulator({ delay: 30 });
  await using connection = connect(simulator);
  const vmsService = connection.systemService().vmsService();
  const [vm] = await vmsService.list({ search: "status=down", max: 1 });
  const vmService = vmsService.vmService(vm.id!);
  await vmService.start();
  const seen: string[] = [];
  const up = await waitFor(
    () => vmService.get(),
    (value) => {
      seen.push(value.status!);
      return value.status === types.VmStatus.UP;
    },
    { interval: 5 },
  );
  assert.equal(up.id, vm.id);
  assert.ok(
    seen.includes(types.VmStatus.POWERING_UP) || seen.includes("wait_for_launch"),
    `${seen}`,
  );
  const again = await waitForStatus(vmService, types.VmStatus.UP, { interval: 5 });
  assert.equal(again.status, "up");
});

Deno.test("waitFor times out with a TimeoutError naming the last state seen", async () => {
  await using simulator = await startSimulator();
  await using connection = connect(simulator);
  const [vm] = await connection.systemService().vmsService().list({ search: "status=down" });
  const vmService = connection.systemService().vmsService().vmService(vm.id!);
  await assert.rejects(
    () => waitForStatus(vmService, types.VmStatus.UP, { interval: 10, timeout: 60 }),
    (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /status up/);
      assert.match(error.message, /last seen: status down/);
      return true;
    },
  );
});

Deno.test("waitFor stops on abort and passes on the getter's errors", async () => {
  await using simulator = await startSimulator();
  await using connection = connect(simulator);
  const gone = connection.systemService().vmsService().vmService("no-such-vm");
  await assert.rejects(() => waitForStatus(gone, types.VmStatus.UP), NotFoundError);
  const controller = new AbortController();
  const [vm] = await connection.systemService().vmsService().list({ max: 1 });
  const vmService = connection.systemService().vmsService().vmService(vm.id!);
  setTimeout(() => controller.abort(new Error("stopped by test")), 30);
  await assert.rejects(
    () => waitFor(() => vmService.get(), () => false, { interval: 5, signal: controller.signal }),
    /stopped by test/,
  );
  await assert.rejects(
    () => waitFor(() => vmService.get(), () => true, { interval: -1 }),
    OvirtError,
  );
});

Deno.test("a wait ends on time, or at its signal, while a poll's answer never comes", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = connect(simulator); // no timeout of its own: a stalled call waits
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  const vmService = vms.vmService(vm.id!);
  const settlesWithin = async (ms: number, wait: Promise<unknown>) => {
    const start = performance.now();
    const outcome = await wait.then(() => undefined, (error: unknown) => error);
    assert.ok(performance.now() - start < ms, `settled after ${performance.now() - start} ms`);
    return outcome;
  };
  const stalled = [
    () => waitForStatus(vmService, types.VmStatus.UP, { interval: 10, timeout: 300 }),
    () => waitForJobs(connection, "no-such-run", { interval: 10, timeout: 300 }),
    // a getter that does not heed the signal is given up all the same
    () => waitFor(() => vmService.get(), () => false, { interval: 10, timeout: 300 }),
  ];
  for (const wait of stalled) {
    simulator.setFaults({ stallAnswerNext: 1 });
    const error = await settlesWithin(3000, wait());
    assert.ok(error instanceof TimeoutError, String(error));
    assert.match(error.message, /Timed out after 300 ms .*last seen: nothing/);
  }
  simulator.setFaults({ stallAnswerNext: 1 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped by test")), 100);
  const stopped = await settlesWithin(
    3000,
    waitForStatus(vmService, types.VmStatus.UP, { signal: controller.signal }),
  );
  assert.match(String(stopped), /stopped by test/);
  simulator.setFaults({ stallAnswerNext: undefined });
  // A poll that answers is still seen to the end, and the last state named.
  const answered = await settlesWithin(
    3000,
    waitForStatus(vmService, types.VmStatus.UP, { interval: 10, timeout: 100 }),
  );
  assert.match(String(answered), /last seen: status down/);
  // The get whose getter ignored the signal still waits: close() would give it 10 s.
  await connection.close(false);
});

Deno.test("waitFor with timeout 0 polls once, that poll not cut short", async () => {
  await using simulator = await startSimulator({ delay: 0, latency: 30 });
  await using connection = connect(simulator);
  const vms = connection.systemService().vmsService();
  const [up] = await vms.list({ search: "status=up", max: 1 });
  const [down] = await vms.list({ search: "status=down", max: 1 });
  const once = { timeout: 0, interval: 10 };
  assert.equal((await waitForStatus(vms.vmService(up.id!), types.VmStatus.UP, once)).id, up.id);
  await assert.rejects(
    () => waitForStatus(vms.vmService(down.id!), types.VmStatus.UP, once),
    (error: unknown) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.match(error.message, /last seen: status down$/);
      return true;
    },
  );
});

Deno.test("waitFor names a last state holding a bigint or a cycle, never failing to", async () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const states: [object, RegExp][] = [
    [
      { storageHardLimitPct: 18446744073709551615n },
      /"storageHardLimitPct":"18446744073709551615"/,
    ],
    [cyclic, /last seen: an object that JSON cannot show/],
  ];
  for (const [state, seen] of states) {
    await assert.rejects(
      () => waitFor(() => Promise.resolve(state), () => false, { interval: 1, timeout: 5 }),
      (error: unknown) => {
        assert.ok(error instanceof TimeoutError, String(error));
        assert.match(error.message, seen);
        return true;
      },
    );
  }
});

Deno.test("pages walks a collection with page N and max, in a stable order", async () => {
  await using simulator = await startSimulator();
  await using connection = connect(simulator);
  const vmsService = connection.systemService().vmsService();
  const everything = await vmsService.list({ search: "sortby name" });
  const sizes: number[] = [];
  const names: string[] = [];
  for await (const page of pages(vmsService, { search: "sortby name", pageSize: 6 })) {
    sizes.push(page.length);
    names.push(...page.map((vm) => vm.name!));
  }
  assert.deepEqual(sizes, [6, 6, 6, 2]);
  assert.deepEqual(names, everything.map((vm) => vm.name));
  const resumed: string[] = [];
  for await (
    const vm of allItems(vmsService, { search: "sortby name", pageSize: 6, firstPage: 3 })
  ) {
    resumed.push(vm.name!);
  }
  assert.deepEqual(resumed, names.slice(12));
  await assert.rejects(async () => {
    for await (const _ of pages(vmsService, { search: "name=* page 2" })) { /* refused */ }
  }, /leave `page N` out/);
  await assert.rejects(async () => {
    for await (const _ of pages(vmsService, { firstPage: 1e300 })) { /* refused */ }
  }, /firstPage must be a positive integer, not 1e\+300/);
  await assert.rejects(async () => {
    for await (const _ of pages(vmsService, { search: 5 as unknown as string })) { /* refused */ }
  }, (error) => error instanceof OvirtError && /search must be a string/.test(error.message));
});

Deno.test("pages: an abort rejects as a call does, before the walk, between pages or during one", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = connect(simulator);
  const vmsService = connection.systemService().vmsService();
  const walks: [string, () => Promise<void>][] = [
    ["before", async () => {
      for await (const _ of allItems(vmsService, { signal: AbortSignal.abort("stop") })) { /* */ }
    }],
    ["between", async () => {
      const controller = new AbortController();
      for await (const _ of pages(vmsService, { pageSize: 5, signal: controller.signal })) {
        controller.abort("stop");
      }
    }],
    ["during", async () => {
      const controller = new AbortController();
      simulator.setFaults({ latency: 300 });
      setTimeout(() => controller.abort("stop"), 100);
      for await (const _ of pages(vmsService, { pageSize: 5, signal: controller.signal })) { /* */ }
    }],
  ];
  for (const [when, walk] of walks) {
    await assert.rejects(walk, (error: Error) => {
      assert.ok(error instanceof OvirtError, `${when}: ${error}`);
      assert.equal(error.message, "The request was aborted");
      assert.equal(error.cause, "stop");
      return true;
    });
  }
  // A signal's time limit passed is a timeout, as for a call.
  const expired = AbortSignal.timeout(1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(async () => {
    for await (const _ of pages(vmsService, { signal: expired })) { /* */ }
  }, TimeoutError);
});

Deno.test("followEvents yields new events oldest first and resumes from an id", async () => {
  await using simulator = await startSimulator();
  await using connection = connect(simulator);
  const eventsService = connection.systemService().eventsService();
  const before = await eventsService.list();
  const last = Math.max(0, ...before.map((event) => Number(event.id)));
  const vmsService = connection.systemService().vmsService();
  for (const name of ["ev-a", "ev-b"]) {
    await vmsService.add({ name, cluster: { name: "Default" }, template: { name: "Blank" } });
  }
  const controller = new AbortController();
  const seen: number[] = [];
  for await (
    const event of followEvents(eventsService, {
      from: last,
      interval: 10,
      signal: controller.signal,
    })
  ) {
    seen.push(Number(event.id));
    if (seen.length === 2) controller.abort();
  }
  assert.equal(seen.length, 2);
  assert.ok(seen[0] > last && seen[1] > seen[0], `${seen}`);
  const resumed = new AbortController();
  const after: number[] = [];
  setTimeout(() => resumed.abort(), 100);
  for await (
    const event of followEvents(eventsService, {
      from: seen[0],
      interval: 10,
      signal: resumed.signal,
    })
  ) {
    after.push(Number(event.id));
  }
  assert.equal(after[0], seen[1], "resuming from an id yields the next event first");
  assert.ok(after.every((id) => id > seen[0]));
});

Deno.test("listStream yields what list() returns, item by item, and maps errors", async () => {
  await using simulator = await startSimulator({ vms: 300 });
  await using connection = connect(simulator);
  const vmsService = connection.systemService().vmsService();
  const listed = await vmsService.list({ search: "sortby name" });
  const streamed: types.Vm[] = [];
  for await (const vm of listStream(vmsService, { search: "sortby name" })) streamed.push(vm);
  assert.deepEqual(streamed, listed);
  let taken = 0;
  for await (const _ of listStream(vmsService)) if (++taken === 3) break;
  assert.equal(taken, 3);
  assert.equal((await vmsService.list({ max: 1 })).length, 1, "the connection still works");
  const nics = vmsService.vmService("missing").nicsService();
  await assert.rejects(async () => {
    for await (const _ of listStream(nics)) { /* nothing */ }
  }, NotFoundError);
});

Deno.test("an interval beyond a timer's 24.8 days waits, never polls in a loop", async () => {
  await using simulator = await startSimulator();
  await using connection = connect(simulator);
  const [vm] = await connection.systemService().vmsService().list({ search: "status=down" });
  const vmService = connection.systemService().vmsService().vmService(vm.id!);
  for (const interval of [2 ** 31, 3e9, Infinity]) {
    let polls = 0;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stopped by test")), 200);
    const getter = () => (polls++, vmService.get());
    await assert.rejects(
      () => waitFor(getter, () => false, { interval, timeout: 4e9, signal: controller.signal }),
      /stopped by test/,
    );
    assert.equal(polls, 1, `interval ${interval}: one poll, then the wait`);
  }
  // followEvents waits as long between polls that find nothing.
  const eventsService = connection.systemService().eventsService();
  const newest = Math.max(0, ...(await eventsService.list()).map((event) => Number(event.id)));
  let lists = 0;
  const counted = { list: (options?: object) => (lists++, eventsService.list(options)) };
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  for await (
    const _ of followEvents(counted as typeof eventsService, {
      from: newest,
      interval: 3e9,
      signal: controller.signal,
    })
  ) { /* no new events */ }
  assert.equal(lists, 2, "one poll and one check of the newest id, then the wait");
});

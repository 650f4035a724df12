/**
 * `waitFor` and `waitForStatus` through short engine outages, over real HTTP against the
 * simulator: a proxy answering 503 and answers lost on the way do not end a wait before its
 * timeout; the `TimeoutError` at the end names what was awaited, the last status and the last
 * failure; a failure that asking again cannot mend (404) still ends the wait at once.
 */

import assert from "node:assert/strict";
import {
  Connection,
  ConnectionError,
  NotFoundError,
  OvirtError,
  TimeoutError,
  types,
  waitFor,
  waitForStatus,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";

/** A connection that sends each request once (no transport retries hide the outage). */
function connect(sim: Simulator): Connection {
  return new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    retry: false,
  });
}

/** A VM of the simulator that is down, and its service. */
async function downVm(connection: Connection) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "status=down", max: 1 });
  return vms.vmService(vm.id!);
}

Deno.test("waitForStatus rides out a proxy answering 503 and still sees the VM come up", async () => {
  await using sim = await startSimulator({ delay: 100 });
  await using connection = connect(sim);
  const vmService = await downVm(connection);
  await vmService.start();
  sim.setFaults({ proxyErrorNext: 10, proxyStatus: 503 });
  const failures: unknown[] = [];
  const watched = {
    path: vmService.path,
    get: (options?: { signal?: AbortSignal }) =>
      vmService.get(options).catch((error) => {
        failures.push(error);
        throw error;
      }),
  };
  const vm = await waitForStatus(watched, types.VmStatus.UP, { interval: 20, timeout: 30_000 });
  assert.equal(vm.status, types.VmStatus.UP);
  assert.equal(failures.length, 10, "every 503 was met, none ended the wait");
  assert.ok(failures.every((error) => error instanceof OvirtError && error.code === 503));
});

Deno.test("waitFor rides out answers lost on the way (ConnectionError)", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vmService = await downVm(connection);
  let polls = 0;
  const vm = await waitFor(
    (signal) => {
      polls++;
      // The first three polls meet a connection closed before any answer.
      sim.setFaults({ dropAnswer: polls <= 3 ? 1 : undefined });
      return vmService.get({ signal });
    },
    (value) => value.status === types.VmStatus.DOWN,
    { interval: 10, timeout: 30_000 },
  );
  assert.equal(vm.status, types.VmStatus.DOWN);
  assert.equal(polls, 4);
});

Deno.test("the TimeoutError names what was awaited, the last status seen and the last failure", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vmService = await downVm(connection);
  let polls = 0;
  const error = await waitFor(
    async (signal) => {
      const vm = await vmService.get({ signal });
      // After one answer, the engine is behind a proxy answering 503 until the timeout.
      if (++polls === 1) sim.setFaults({ proxyError: 1, proxyStatus: 503 });
      return vm;
    },
    (value) => value.status === types.VmStatus.UP,
    { interval: 20, timeout: 500, description: `VM ${vmService.path} status up` },
  ).then(() => undefined, (error) => error);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /waiting for VM vms\/\S+ status up/);
  assert.match(error.message, /last seen: status down/);
  assert.match(error.message, /last failure: .*503/);
  assert.ok(error.cause instanceof OvirtError && error.cause.code === 503);
});

Deno.test("waitForStatus still ends at once on a failure that asking again cannot mend", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using connection = connect(sim);
  const vmService = await downVm(connection);
  await vmService.remove();
  sim.setFaults({ proxyErrorNext: 2, proxyStatus: 502 }); // an outage first, then the 404
  await assert.rejects(
    waitForStatus(vmService, types.VmStatus.UP, { interval: 10, timeout: 600_000 }),
    NotFoundError,
  );
});

Deno.test("a certificate refused is no outage: the wait ends at once", async () => {
  await using sim = await startSimulator({ delay: 0, tls: true });
  // No CA given: the simulator's certificate is refused on every poll.
  await using connection = new Connection({ url: sim.url, token: "t", retry: false });
  const id = crypto.randomUUID();
  const started = performance.now();
  await assert.rejects(
    waitFor(
      (signal) => connection.systemService().vmsService().vmService(id).get({ signal }),
      () => true,
      { interval: 10, timeout: 20_000 },
    ),
    (error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /not signed by a CA this connection trusts/);
      return true;
    },
  );
  assert.ok(performance.now() - started < 10_000, "not polled until the timeout");
});

Deno.test("waitForStatus ends at once on a status of failOn, naming it", async () => {
  await using sim = await startSimulator({ delay: 50 });
  await using connection = connect(sim);
  const vmService = await downVm(connection);
  await vmService.start();
  const started = performance.now();
  await assert.rejects(
    waitForStatus(vmService, types.VmStatus.SUSPENDED, {
      interval: 20,
      timeout: 60_000,
      failOn: [types.VmStatus.UP, types.VmStatus.NOT_RESPONDING],
    }),
    (error) => {
      assert.ok(error instanceof OvirtError && !(error instanceof TimeoutError), String(error));
      assert.match(error.message, /status suspended: the status became up$/);
      return true;
    },
  );
  assert.ok(performance.now() - started < 30_000, "long before the timeout");
  assert.equal((await waitForStatus(vmService, types.VmStatus.UP, { failOn: [] })).status, "up");
  await assert.rejects(
    // @ts-expect-error: a status, not a list of them
    waitForStatus(vmService, types.VmStatus.UP, { failOn: types.VmStatus.DOWN }),
    /failOn must be an array of statuses/,
    "a rejection, as for waitFor's own options",
  );
});

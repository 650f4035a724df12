/**
 * Correlation ids in the simulator: the jobs (and steps) and events a request causes carry
 * its `Correlation-Id`, jobs are found with `correlation_id=X`, and jobs end on the clock.
 */

import assert from "node:assert/strict";
import { types } from "../mod.ts";
import type { SimulatorOptions } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

async function connect(options: SimulatorOptions = {}) {
  // A long lifecycle step: jobs stay `started` for the whole test unless it asks otherwise.
  const session = await simulatorSession({ empty: true, delay: 60_000, ...options });
  return { ...session, system: session.connection.systemService() };
}

const VM = { cluster: { name: "Default" }, template: { name: "Blank" } };

Deno.test("simulator: a change's job and event carry the request's Correlation-Id", async () => {
  await using env = await connect();
  const jobs = env.system.jobsService();
  const vms = env.system.vmsService();
  await vms.add({ name: "other", ...VM }, { headers: { "Correlation-Id": "someone-else" } });
  const vm = await vms.add({ name: "web01", ...VM }, { headers: { "Correlation-Id": "run-42" } });
  const [job, ...more] = await jobs.list({ search: "correlation_id=run-42" });
  assert.equal(more.length, 0);
  assert.equal(job.description, "Add VM web01");
  assert.equal(job.status, types.JobStatus.STARTED);
  assert.equal(job.external, false);
  const steps = await jobs.jobService(job.id!).stepsService().list();
  assert.deepEqual(
    steps.map((step) => [step.number, step.type, step.description, step.status]),
    [[1, "validating", "Validating", "finished"], [2, "executing", "Executing", "started"]],
  );
  const events = await env.system.eventsService().list({ search: "correlation_id=run-42" });
  assert.equal(events.length, 1);
  assert.equal(events[0].correlationId, "run-42");
  assert.equal(events[0].vm?.id, vm.id);
  // The engine keeps `[A-Za-z0-9_-]` of the id (the SDK refuses others in the header, not in
  // a raw query); an update's job too.
  await vms.vmService(vm.id!).update({ description: "x" }, {
    query: { correlation_id: "run 42!" },
  });
  const edits = await jobs.list({ search: "correlation_id=run42" });
  assert.deepEqual(edits.map((edit) => edit.description), ["Edit VM web01"]);
});

Deno.test("simulator: the correlation_id query parameter works like the header; reads start no job", async () => {
  await using env = await connect();
  const tags = env.system.tagsService();
  const before = (await env.system.jobsService().list()).length;
  await tags.list({ headers: { "Correlation-Id": "reads" } });
  assert.equal((await env.system.jobsService().list()).length, before);
  await tags.add({ name: "t1" }, { query: { correlation_id: "by-query" } });
  const [job] = await env.system.jobsService().list({ search: "correlation_id=by-query" });
  assert.equal(job.description, "Add Tag t1");
});

Deno.test("simulator: jobFailureNext ends the next job failed at its Executing step", async () => {
  await using env = await connect({ delay: 0, jobFailureNext: 1 });
  const jobs = env.system.jobsService();
  await env.system.tagsService().add({ name: "doomed" }, { headers: { "Correlation-Id": "f1" } });
  await env.system.tagsService().add({ name: "fine" }, { headers: { "Correlation-Id": "f2" } });
  const [failed] = await jobs.list({ search: "correlation_id=f1" });
  assert.equal(failed.status, types.JobStatus.FAILED);
  const steps = await jobs.jobService(failed.id!).stepsService().list();
  assert.deepEqual(steps.map((step) => step.status), ["finished", "failed"]);
  const [fine] = await jobs.list({ search: "correlation_id=f2" });
  assert.equal(fine.status, types.JobStatus.FINISHED, "one lifecycle step later (0 ms here)");
  assert.ok(fine.endTime instanceof Date);
  const names = (await env.system.tagsService().list()).map((tag) => tag.name);
  assert.ok(names.includes("doomed"), "the change itself is made");
});

Deno.test("simulator: the answer echoes the correlation id, header or query form, as kept", async () => {
  await using env = await connect({ delay: 0 });
  const api = `${env.sim.url}/tags`;
  const token = await env.connection.authenticate();
  using client = Deno.createHttpClient({ caCerts: [env.sim.caCert ?? ""] });
  const ask = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      headers: { authorization: `Bearer ${token}`, version: "4", ...headers },
      client,
    }).then(async (response) => {
      await response.body?.cancel();
      return response.headers.get("correlation-id");
    });
  assert.equal(await ask(api, { "Correlation-Id": "by-header" }), "by-header");
  assert.equal(await ask(`${api}?correlation_id=by-query`), "by-query");
  assert.equal(await ask(`${api}?correlation_id=run%2042!`), "run42");
  assert.match(
    await ask(api, { "Correlation-Id": "!!!" }) ?? "none",
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    "nothing is left of the header: a random id, as the engine sends",
  );
});

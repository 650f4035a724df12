/**
 * The jobs the engine runs for the changes clients ask for: each successful add, update,
 * remove or action starts a job (`started`) with a `Validating` step (finished at once)
 * and an `Executing` step, tagged with the request's correlation id, and ends it one
 * lifecycle step later (or when the command is over: a VM's start once it is up):
 * `finished`, or `failed` with its `Executing` step failed when the command failed or the
 * engine's `jobFails` hook says so (the simulator's `jobFailure` fault).
 *
 * @module
 */

import type { JobEnd } from "./behaviour.ts";
import { CORRELATION_ID } from "./correlation.ts";
import type { Engine } from "./engine.ts";
import { change } from "./behaviours/lifecycle.ts";
import { clearEndedJobs } from "./job_cleanup.ts";
import { signedInUser } from "./signed_in_user.ts";

/**
 * Starts the job of a change described as `description` (`Add VM web01`); returns its id.
 * It ends one lifecycle step later, or as `end` says (a VM's start: once it is up).
 */
export function startCommandJob(
  engine: Engine,
  correlationId: string,
  description: string,
  end?: JobEnd,
): string {
  const now = new Date();
  clearEndedJobs(engine, now.getTime());
  const owner = signedInUser(engine);
  const job = engine.store.put("jobs", {
    id: engine.jobRandom.uuid(),
    description,
    status: "started",
    external: false,
    autoCleared: true,
    startTime: now,
    lastUpdated: now,
    ...(owner ? { owner: { id: owner.id } } : {}),
    [CORRELATION_ID]: correlationId,
  });
  const steps = `jobs/${encodeURIComponent(job.id)}/steps`;
  const step = (number: number, type: string, text: string, status: string) =>
    engine.store.put(steps, {
      id: engine.jobRandom.uuid(),
      number,
      type,
      description: text,
      status,
      external: false,
      startTime: now,
      ...(status === "started" ? {} : { endTime: now }),
      job: { id: job.id },
      [CORRELATION_ID]: correlationId,
    });
  step(1, "validating", "Validating", "finished");
  const executing = step(2, "executing", "Executing", "started");
  const fails = engine.jobFails();
  engine.clock.after(end?.steps ?? 1, () => {
    const now = new Date();
    const status = fails ? "failed" : end?.outcome() ?? "finished";
    change(engine, steps, executing.id, { status, endTime: now });
    change(engine, "jobs", job.id, { status, endTime: now, lastUpdated: now });
  });
  return job.id;
}

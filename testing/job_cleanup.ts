/**
 * The engine clears the jobs it ended on its own (`auto_cleared`) some time after their end:
 * a `finished` one after `SucceededJobCleanupTimeInMinutes` (10 minutes), a `failed`,
 * `aborted` or `unknown` one after `FailedJobCleanupTimeInMinutes` (60), with their steps
 * (`JobRepositoryCleanupManager`, `DeleteCompletedJobsOlderThanDate`). So does the simulator,
 * when its jobs are looked at or a new one starts, so that a long run does not keep every
 * change it ever made, and a script sees a job it waits for disappear as it would.
 *
 * @module
 */

import type { Engine } from "./engine.ts";

/** Statuses of jobs kept as long as failed ones. */
const FAILED = new Set(["failed", "aborted", "unknown"]);

/** When each engine's jobs were last looked through. */
const lastCleared = new WeakMap<Engine, number>();

/**
 * Removes the auto-cleared jobs of `engine` that ended longer ago than its retention says.
 * Looks through them at most every tenth of the shorter retention (and every second at
 * most), so that a simulator taking many changes does not look at every job each time.
 */
export function clearEndedJobs(engine: Engine, now = Date.now()): void {
  const { finished, failed } = engine.jobRetention;
  const every = Math.min(1_000, Math.min(finished, failed) / 10);
  if (now - (lastCleared.get(engine) ?? -Infinity) < every) return;
  lastCleared.set(engine, now);
  for (const job of engine.store.items("jobs")) {
    if (job.autoCleared !== true || !(job.endTime instanceof Date)) continue;
    const kept = job.status === "finished" ? finished : FAILED.has(String(job.status)) ? failed : 0;
    if (kept > 0 && now - job.endTime.getTime() > kept) engine.store.delete("jobs", job.id);
  }
}

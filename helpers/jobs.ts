/**
 * Waiting for the engine's jobs of one correlation id: the jobs the engine ran for the
 * calls sent with that `Correlation-Id`, found with the jobs service's search.
 *
 * @example
 * ```ts
 * import { Connection, waitForJobs } from "@ovirt/sdk";
 *
 * const connection = new Connection({ url: "https://engine/ovirt-engine/api", token: "..." });
 * const vmsService = connection.systemService().vmsService();
 * const correlationId = crypto.randomUUID();
 * await vmsService.add(
 *   { name: "web01", cluster: { name: "Default" }, template: { name: "rhel9" } },
 *   { correlationId },
 * );
 * await waitForJobs(connection, correlationId, { timeout: 900_000 });
 * ```
 *
 * @module
 */

import { OvirtError } from "../transport/errors.ts";
import { CORRELATION_ID } from "../transport/options.ts";
import type { Job } from "../types/job.ts";
import type { Step } from "../types/step.ts";
import { within } from "./delay.ts";
import { DEFAULT_POLL_TIMEOUT, waitFor, type WaitOptions } from "./wait.ts";

/** The options the helper passes to the services' `list`. */
export interface JobListOptions {
  /** Search criteria (`correlation_id=...`). */
  search?: string;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** The jobs collection (`connection.systemService().jobsService()`). */
export interface JobsSource {
  /** Lists jobs. */
  list(options?: JobListOptions): Promise<Job[]>;
  /** The service of job `id`, for its steps. */
  jobService(id: string): { stepsService(): { list(options?: JobListOptions): Promise<Step[]> } };
}

/** A connection, or anything that leads to the jobs service the same way. */
export interface JobsRoot {
  /** The root of the service tree. */
  systemService(): { jobsService(): JobsSource };
}

/** How often and how long to wait: {@link WaitOptions} without `description`. */
export type WaitForJobsOptions = Omit<WaitOptions, "description">;

/** The status of a job that has not ended. */
const RUNNING = "started";

/**
 * Waits until every job of `correlationId` has ended and resolves to them when all
 * `finished`; `signal` stops the wait, which then rejects with the signal's reason. Rejects
 * with an {@link OvirtError} naming the failing step's description when one ended otherwise
 * (`failed`, `aborted`), and with a `TimeoutError` naming the jobs still running when
 * `timeout` passes (default ten minutes; polls every `interval`, default 2 s). A poll without
 * an answer after `pollTimeout` (default 60 s) is given up and made again after `interval`;
 * the failing step is looked for within `pollTimeout` too (without an answer by then, the
 * error names no step). Resolves to `[]` when the engine has no job of that id: it made none,
 * or already cleared them (the engine clears ended jobs after a while).
 *
 * The jobs are found by the engine's search only: a job does not carry its correlation
 * id. The engine ignores that search for a user who is not an administrator (it lists all
 * of the user's jobs), so when the answer holds jobs, a search for a correlation id nobody
 * used is sent once as a check; if that too finds jobs, the wait rejects with an
 * {@link OvirtError} saying so, rather than waiting for (or failing on) other jobs.
 */
export async function waitForJobs(
  source: JobsRoot | JobsSource,
  correlationId: string,
  options: WaitForJobsOptions = {},
): Promise<Job[]> {
  if (typeof correlationId !== "string" || !CORRELATION_ID.test(correlationId)) {
    throw new OvirtError(
      `waitForJobs: correlation id ${JSON.stringify(correlationId)} is not one the engine ` +
        "keeps (1 to 36 of A-Z, a-z, 0-9, _ and -)",
    );
  }
  const jobs = "systemService" in source ? source.systemService().jobsService() : source;
  const { signal } = options;
  try {
    return await waitUntilEnded(jobs, correlationId, options);
  } catch (error) {
    // A call cut short by the signal rejects with its own error: give the signal's reason.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

async function waitUntilEnded(
  jobs: JobsSource,
  correlationId: string,
  options: WaitForJobsOptions,
): Promise<Job[]> {
  const { signal, timeout = 600_000, pollTimeout = DEFAULT_POLL_TIMEOUT } = options;
  const started = performance.now();
  const search = `correlation_id=${correlationId}`;
  let checked = false;
  const poll = async (polls: AbortSignal) => {
    const list = await jobs.list({ search, signal: polls });
    if (list.length > 0 && !checked) {
      await checkSearchHonoured(jobs, correlationId, polls);
      checked = true;
    }
    return list;
  };
  const ended = await waitFor(
    poll,
    (list) => list.every((job) => job.status !== RUNNING),
    {
      ...options,
      description: `the jobs of correlation id ${correlationId}`,
      describe: (list) => `still running: ${running(list)}`,
    },
  );
  const failed = ended.filter((job) => job.status !== "finished");
  if (failed.length === 0) return ended;
  const [first] = failed;
  // The step is looked for within one poll's time and what is left of the wait's (without a
  // time limit only after a single poll, `timeout: 0`, whose own request is not cut short).
  const left = timeout === 0
    ? Infinity
    : Math.min(pollTimeout, Math.max(0, timeout - (performance.now() - started)));
  const step = await within(
    left,
    signal,
    "looking for the failing step",
    (lookup) => failingStep(jobs, first, lookup),
  ).catch(() => {
    if (signal?.aborted) throw signal.reason;
    return undefined; // the failure is told without its step
  });
  const where = step ? ` at step ${JSON.stringify(step.description ?? `#${step.number}`)}` : "";
  const which = failed.length > 1 ? ` (${failed.length} of ${ended.length} jobs ended so)` : "";
  throw new OvirtError(
    `Job ${JSON.stringify(first.description ?? first.id)} of correlation id ${correlationId} ` +
      `ended ${first.status ?? "without a status"}${where}${which}`,
  );
}

/**
 * Rejects when the engine ignores the jobs search (it does for a user who is not an
 * administrator): then a correlation id nobody used finds jobs too.
 */
async function checkSearchHonoured(
  jobs: JobsSource,
  correlationId: string,
  signal: AbortSignal,
): Promise<void> {
  const unused = `correlation_id=${crypto.randomUUID()}`;
  const others = await jobs.list({ search: unused, signal });
  if (others.length === 0) return;
  throw new OvirtError(
    `waitForJobs: the engine ignores the search of jobs by correlation id for this user ` +
      `(it does for a user who is not an administrator), and a job does not show its ` +
      `correlation id: the jobs of ${correlationId} cannot be told from the others. Wait ` +
      `for the objects' status instead, or connect as an administrator`,
  );
}

function running(jobs: readonly Job[]): string {
  return jobs
    .filter((job) => job.status === RUNNING)
    .map((job) => JSON.stringify(job.description ?? job.id))
    .join(", ");
}

/**
 * The step where `job` failed: a failed step that is no failed step's parent (the
 * innermost), else the last step that did not finish.
 */
async function failingStep(
  jobs: JobsSource,
  job: Job,
  signal: AbortSignal,
): Promise<Step | undefined> {
  if (!job.id) return undefined;
  const steps = await jobs.jobService(job.id).stepsService().list({ signal });
  const byNumber = [...steps].sort((a, b) => Number(a.number ?? 0) - Number(b.number ?? 0));
  const failed = byNumber.filter((step) => step.status === "failed");
  const parents = new Set(failed.map((step) => step.parentStep?.id).filter(Boolean));
  return failed.findLast((step) => !parents.has(step.id)) ??
    byNumber.findLast((step) => step.status !== "finished");
}

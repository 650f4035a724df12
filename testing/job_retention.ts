/**
 * How long the engine keeps the jobs it ended before clearing them (see `job_cleanup.ts`).
 *
 * @module
 */

/** How long ended jobs are kept, in milliseconds. */
export interface JobRetention {
  /** A `finished` job. */
  readonly finished: number;
  /** A `failed`, `aborted` or `unknown` one. */
  readonly failed: number;
}

/** The engine's defaults: 10 and 60 minutes. */
export const ENGINE_JOB_RETENTION: JobRetention = { finished: 600_000, failed: 3_600_000 };

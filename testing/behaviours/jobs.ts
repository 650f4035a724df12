/**
 * Jobs: external jobs added by clients are `started` until ended (`finished` or
 * `failed`), with their times and owner.
 *
 * @module
 */

import type { Behaviour } from "../behaviour.ts";
import { addObject } from "../generic.ts";
import { change } from "./lifecycle.ts";

const jobs: Behaviour = {
  add(call, body) {
    const admin = call.engine.store.find("users", (user) => user.userName === "admin@internal");
    const now = new Date();
    return addObject(call, {
      external: true,
      autoCleared: true,
      ...body,
      status: "started",
      startTime: now,
      lastUpdated: now,
      owner: admin ? { id: admin.id } : undefined,
    });
  },
};

const job: Behaviour = {
  actions: {
    end: (call, entity, params) => {
      const now = new Date();
      const status = params.succeeded === false ? "failed" : "finished";
      change(call.engine, "jobs", entity!.id, { status, endTime: now, lastUpdated: now });
    },
  },
};

/** Behaviours of the job services, by service name. */
export const JOB_BEHAVIOURS: Record<string, Behaviour> = { JobsService: jobs, JobService: job };

/**
 * Jobs: external jobs added by clients are `started` until ended (`finished` or
 * `failed`), with their times and owner. Only external jobs can be ended by a client; the
 * engine's own jobs end with their command. As on the engine, ending an ended external
 * job again is accepted (its status and end time are replaced).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import { addObject } from "../generic.ts";
import { signedInUser } from "../signed_in_user.ts";
import { change } from "./lifecycle.ts";

const jobs: Behaviour = {
  add(call, body) {
    const owner = signedInUser(call.engine);
    const now = new Date();
    return addObject(call, {
      external: true,
      autoCleared: true,
      ...body,
      status: "started",
      startTime: now,
      lastUpdated: now,
      owner: owner ? { id: owner.id } : undefined,
    });
  },
};

const job: Behaviour = {
  actions: {
    end: (call, entity, params) => {
      if (entity!.external !== true) throw conflict("Cannot end Job. The Job is not external.");
      const now = new Date();
      const status = params.succeeded === false ? "failed" : "finished";
      change(call.engine, "jobs", entity!.id, { status, endTime: now, lastUpdated: now });
    },
  },
};

/** Behaviours of the job services, by service name. */
export const JOB_BEHAVIOURS: Record<string, Behaviour> = { JobsService: jobs, JobService: job };

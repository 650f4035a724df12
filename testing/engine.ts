/**
 * The state of one simulated engine: the store, the lifecycle clock, the seeded random
 * source, disk image bytes, and the small services every behaviour needs (ids,
 * references, the event log).
 *
 * @module
 */

import { notFound } from "./answers.ts";
import { Clock } from "./clock.ts";
import { ImageStore } from "./image_store.ts";
import { API_PREFIX, homeOf } from "./model.ts";
import { SeededRandom } from "./random.ts";
import { type Entity, Store } from "./store.ts";
import { signedInUser } from "./signed_in_user.ts";
import { join } from "./tree.ts";
import { ENGINE_JOB_RETENTION, type JobRetention } from "./job_retention.ts";

/** A reference to an object that lives elsewhere, as the engine sends it: `id` and `href`. */
export type Reference = { readonly id: string; readonly href: string };

/** Severity of an event (the model's `LogSeverity`). */
export type Severity = "normal" | "warning" | "error" | "alert";

/** Everything one simulated engine holds. */
export class Engine {
  /** The objects. */
  readonly store: Store = new Store();
  /** The clock that drives status lifecycles. */
  readonly clock: Clock;
  /** Seeded random numbers: ids and injected failures repeat run after run. */
  readonly random: SeededRandom;
  /** The bytes written to disks through image transfers. */
  readonly images: ImageStore = new ImageStore();
  /**
   * Seeded random numbers for jobs and correlation ids, apart from {@link random} so that
   * the jobs of changes leave the ids of objects as they were.
   */
  readonly jobRandom: SeededRandom;
  /** The user name (with profile) of the user signed in to the API. */
  loginName = "admin@internal";
  /** Whether the job starting now is to fail (the simulator's `jobFailure` fault). */
  jobFails: () => boolean = () => false;
  /** How long the jobs the engine ended stay listed (see `job_cleanup.ts`). */
  jobRetention: JobRetention = ENGINE_JOB_RETENTION;
  #lastEventId = 0;

  /** An empty engine whose lifecycle steps take `delay` ms, random source seeded with `seed`. */
  constructor(delay: number, seed: number) {
    this.clock = new Clock(delay);
    this.random = new SeededRandom(seed);
    this.jobRandom = new SeededRandom(seed ^ 0x10b5);
  }

  /** A new object id. */
  newId(): string {
    return this.random.uuid();
  }

  /** The absolute `href` of an API-relative path (`vms/1a2` -> `/ovirt-engine/api/vms/1a2`). */
  href(path: string): string {
    return path === "" ? API_PREFIX : `${API_PREFIX}/${path}`;
  }

  /** The API-relative path of an `href`, or `undefined` if it is not below the API root. */
  pathOf(href: string): string | undefined {
    return href.startsWith(API_PREFIX + "/") ? href.slice(API_PREFIX.length + 1) : undefined;
  }

  /** A reference to object `id` of `collection`. */
  referenceTo(collection: string, id: string): Reference {
    return { id, href: this.href(join(collection, id)) };
  }

  /** The object of struct `type` in its home collection, by id. */
  homeObject(type: string, id: string): Entity | undefined {
    const home = homeOf(type);
    return home === undefined ? undefined : this.store.get(home, id);
  }

  /**
   * Resolves what a request names as an object of struct `type` (by `id`, else by `name`)
   * to a reference into its home collection; a 404 refusal if there is no such object.
   * Types without a home collection keep the id (and href) they were given.
   */
  resolve(type: string, value: Record<string, unknown>): Record<string, unknown> {
    const home = homeOf(type);
    if (home === undefined) return value;
    const id = typeof value.id === "string" ? value.id : undefined;
    const name = typeof value.name === "string" ? value.name : undefined;
    const found = id !== undefined
      ? this.store.get(home, id)
      : name !== undefined
      ? this.store.find(home, (entity) => entity.name === name)
      : undefined;
    if (!found) {
      throw notFound(`${type}: ${id !== undefined ? `id=${id}` : `name=${name ?? "(none)"}`}`);
    }
    return { ...this.referenceTo(home, found.id) };
  }

  /**
   * Appends an event to the log, with the next id, also its `index` (the engine's
   * `EventMapper` gives an event its audit log id as both); `refs` are references such as `vm`,
   * `correlationId` the one of the request that caused it (whose signed-in user the event
   * then names).
   */
  event(
    code: number,
    description: string,
    refs: Record<string, Reference> = {},
    severity: Severity = "normal",
    correlationId?: string,
  ): Entity {
    const id = String(++this.#lastEventId);
    // A request's event names the user who made it, as the engine's command log does.
    const user = correlationId === undefined ? undefined : signedInUser(this);
    return this.store.put("events", {
      id,
      index: Number(id),
      code,
      description,
      severity,
      time: new Date(),
      origin: "oVirt",
      customId: -1,
      floodRate: 0,
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(user ? { user: this.referenceTo("users", user.id) } : {}),
      ...refs,
    });
  }
}

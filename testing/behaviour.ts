/**
 * What a service-specific behaviour can change in the generic handling of a request, and
 * what it gets to do so. Services without a behaviour get the generic one: store, list,
 * merge, delete, and accept every action.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import type { Entity } from "./store.ts";
import type { Location } from "./tree.ts";

/** One request as behaviours see it. */
export interface Call {
  /** The simulated engine. */
  readonly engine: Engine;
  /** The service the request addresses (the collection for list/add). */
  readonly location: Location;
  /** The query parameters. */
  readonly query: URLSearchParams;
  /** The request's headers (`All-Content`, the header form of `all_content`). */
  readonly headers?: Headers;
  /** `scheme://host:port` the simulator answers on (for URLs it hands out). */
  readonly origin: string;
  /** The request's correlation id (the client's, else a random one), for its jobs and events. */
  readonly correlationId: string;
  /**
   * When the job of this change ends, if not one lifecycle step later (set by an action
   * whose command lasts longer, such as starting a VM).
   */
  jobEnd?: JobEnd;
}

/**
 * When a command's job ends: `steps` lifecycle steps after it starts, `finished` or
 * `failed` as `outcome` then says.
 */
export interface JobEnd {
  /** Lifecycle steps from the start of the job to its end (at least 1). */
  readonly steps: number;
  /** How the job ends, decided at its end. */
  readonly outcome: () => "finished" | "failed";
}

/** The `<action>` parameters of an action request, and what the action answers. */
export type ActionValues = Record<string, unknown>;

/** An action: may throw a refusal; returns output members for the answer (`isAttached`). */
export type ActionHandler = (call: Call, target: Entity | undefined, params: ActionValues) =>
  | ActionValues
  | void;

/** Hooks of one service (keyed by the service class name). */
export interface Behaviour {
  /** The objects a list shows, instead of the collection's stored ones. */
  list?(call: Call): Entity[];
  /** What `get` shows of `entity` (e.g. the next-run configuration). */
  get?(call: Call, entity: Entity): Entity;
  /** Creates the object `body` describes in the collection at `call.location`; returns it. */
  add?(call: Call, body: Entity): Entity;
  /** Applies `changes` to `entity`; returns what `get` would now show. */
  update?(call: Call, entity: Entity, changes: Entity): Entity;
  /** Checks and side effects before the generic removal (which may be skipped by returning `true`). */
  remove?(call: Call, entity: Entity): boolean | void;
  /** Actions by URL segment. */
  actions?: Record<string, ActionHandler>;
}

/** Query parameters the engine also reads as a header (protocol 4.1): `All-Content`. */
const HEADER_FORMS: Readonly<Record<string, string>> = { all_content: "All-Content" };

/**
 * Whether query parameter `name` is `true`; for a parameter with a header form
 * (`all_content`), the header counts too when the query does not give it.
 */
export function flag(call: Call, name: string): boolean {
  const header = HEADER_FORMS[name];
  const value = call.query.get(name) ?? (header ? call.headers?.get(header) : undefined);
  return value?.trim().toLowerCase() === "true";
}

/**
 * Query parameter `name` as the engine's `ParametersHelper.getBooleanParameter` reads it:
 * `true`, `t`, `yes`, `y` or `1` (any case) is true, the empty value is `empty`, anything
 * else (or no such parameter) false.
 */
export function booleanParameter(call: Call, name: string, empty: boolean): boolean {
  const value = call.query.get(name);
  if (value === "") return empty;
  return value !== null && /^(t(rue)?|y(es)?|1)$/i.test(value);
}

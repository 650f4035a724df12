/**
 * The API below `/ovirt-engine/api`, answered generically from the service tree: the
 * path is walked through the locators, the HTTP method picks the service's method
 * (GET get/list, POST add or action, PUT update, DELETE remove), its enum query parameters
 * are checked, and the behaviour of the service, if any, replaces parts of the generic
 * handling.
 *
 * @module
 */

import type { MethodMeta } from "../transport/service.ts";
import { writeStruct } from "../transport/xml/writer.ts";
import { notFound, Refusal, XML_TYPE, xmlAnswer } from "./answers.ts";
import { addAnsweredAsAction } from "./action_answered_adds.ts";
import { apiDocument } from "./api_root.ts";
import { changeCode } from "./audit_codes.ts";
import type { ActionValues, Behaviour, Call } from "./behaviour.ts";
import { BEHAVIOURS } from "./behaviours/mod.ts";
import { verbOf } from "./changes.ts";
import { startCommandJob } from "./command_jobs.ts";
import { itemOf, itemsOf } from "./collections.ts";
import { answerCollectionRemove } from "./collection_remove.ts";
import type { Engine } from "./engine.ts";
import { addObject, removeObject, updateObject } from "./generic.ts";
import { checkIdUnchanged } from "./immutable_id.ts";
import { actionOf, API_PREFIX, collectionType, methodOf } from "./model.ts";
import { itemService, parseFollow, renderList, renderObject } from "./render.ts";
import { settableChanges } from "./read_only.ts";
import { rawActionAnswer } from "./raw_action_answers.ts";
import { readBody } from "./request_body.ts";
import { parseSearch } from "./search.ts";
import { applySearch } from "./search_apply.ts";
import { clearEndedJobs } from "./job_cleanup.ts";
import { searchable, searchScope } from "./search_scope.ts";
import { searchSchema } from "./fields.ts";
import type { Entity } from "./store.ts";
import { type Location, resolve, typeAt } from "./tree.ts";
import { checkRequired, typeLabel } from "./validation.ts";
import { checkQuery } from "./value_checks.ts";

const NO_BEHAVIOUR: Behaviour = {};

/**
 * Answers one API request (credentials already checked); its jobs and events carry
 * `correlationId`.
 */
export async function answerApi(
  engine: Engine,
  request: Request,
  requested: URL,
  correlationId: string,
): Promise<Response> {
  const url = withMatrixParameters(requested);
  const segments = pathSegments(url.pathname);
  if (segments === undefined) throw notFound(url.pathname);
  const method = request.method === "HEAD" ? "GET" : request.method;
  if (segments[0] === "jobs") clearEndedJobs(engine); // as the engine's periodic clean-up
  const last = segments.at(-1);
  const above = segments.length ? resolve(segments.slice(0, -1)) : undefined;
  const isLocator = above?.service.locators.some((locator) => locator.segment === last);
  const action = above && last !== undefined && !isLocator
    ? actionOf(above.service, last)
    : undefined;
  if (action) {
    if (method !== "POST") return notAllowed(["POST"]);
    const here = call(engine, above!, request, url, correlationId);
    return await runAction(engine, here, action, request);
  }
  const location = resolve(segments);
  if (!location) throw notFound(url.pathname.slice(API_PREFIX.length));
  const target = objectAt(engine, location);
  const here = call(engine, location, request, url, correlationId);
  const served = (kind: MethodMeta["kind"]) => {
    const found = methodOf(location.service, kind);
    if (found) checkQuery(found, url.searchParams);
    return found;
  };
  switch (method) {
    case "GET":
      if (segments.length === 0) return xmlAnswer(200, apiDocument(engine));
      if (target && methodOf(location.service, "get")) {
        served("get");
        return answerGet(here, target);
      }
      if (served("list")) return answerList(here);
      break;
    case "POST": {
      const add = served("add");
      if (add) return answerAdd(here, add, await request.bytes());
      break;
    }
    case "PUT": {
      const update = target && served("update");
      if (update) return answerUpdate(here, target, update, await request.bytes());
      break;
    }
    case "DELETE": {
      const remove = served("remove");
      if (target && remove) return answerRemove(here, target);
      if (remove) return answerCollectionRemove(here, remove, await request.bytes());
      break;
    }
  }
  return notAllowed(allowed(location));
}

/**
 * `url` without the matrix parameters of its path (`/events;from=3`), those of its last
 * segment moved to its query unless the query has them: the engine reads a parameter from
 * the query, then from the last segment's matrix parameters.
 */
function withMatrixParameters(url: URL): URL {
  if (!url.pathname.includes(";")) return url;
  const moved = new URL(url);
  const parts = url.pathname.split("/");
  const last = parts.findLastIndex((part) => part !== "");
  moved.pathname = parts.map((part, index) => {
    const [name, ...parameters] = part.split(";");
    if (index !== last) return name;
    for (const parameter of parameters) {
      const equals = parameter.includes("=") ? parameter.indexOf("=") : parameter.length;
      const key = decodeMatrix(parameter.slice(0, equals));
      const value = decodeMatrix(parameter.slice(equals + 1));
      if (key !== "" && !moved.searchParams.has(key)) moved.searchParams.set(key, value);
    }
    return name;
  }).join("/");
  return moved;
}

function decodeMatrix(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Decoded path segments below the API root (`/v4` prefix accepted); undefined if not below. */
function pathSegments(pathname: string): string[] | undefined {
  if (pathname !== API_PREFIX && !pathname.startsWith(API_PREFIX + "/")) return undefined;
  const raw = pathname.slice(API_PREFIX.length).split("/").filter((segment) => segment !== "");
  if (raw[0] === "v4") raw.shift();
  try {
    return raw.map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function call(
  engine: Engine,
  location: Location,
  request: Request,
  url: URL,
  correlationId: string,
): Call {
  return {
    engine,
    location,
    query: url.searchParams,
    headers: request.headers,
    origin: url.origin,
    correlationId,
  };
}

function behaviourOf(location: Location): Behaviour {
  return BEHAVIOURS[location.service.name] ?? NO_BEHAVIOUR;
}

/**
 * The object the path ends at, if it ends at one; a 404 refusal if any object on the
 * path (`vms/{id}` in `vms/{id}/nics`) does not exist.
 */
function objectAt(engine: Engine, location: Location): Entity | undefined {
  const chain: Location[] = [];
  for (let at: Location | undefined = location; at; at = at.parent) chain.unshift(at);
  let found: Entity | undefined;
  for (const at of chain) {
    if (at.id === undefined || !at.parent) continue;
    found = itemOf(engine, at.parent, at.id);
    if (!found) throw notFound(`${typeAt(at) ?? at.service.name}: id=${at.id}`);
  }
  return location.id === undefined ? undefined : found;
}

function answerGet(call: Call, entity: Entity): Response {
  const { engine, location } = call;
  const shown = behaviourOf(location).get?.(call, entity) ?? entity;
  const type = typeAt(location)!;
  const follow = parseFollow(call.query.get("follow"));
  const body = renderObject(
    engine,
    shown,
    { type, path: location.path, service: location.service },
    follow,
  );
  return xmlAnswer(200, body);
}

function answerList(call: Call): Response {
  const { engine, location, query } = call;
  const type = collectionType(location.service)!;
  let items = behaviourOf(location).list?.(call) ?? itemsOf(engine, location);
  const max = query.has("max") ? Number(query.get("max")) : undefined;
  if (max !== undefined && !(Number.isInteger(max) && max >= -1)) {
    if (Number.isInteger(max) && searchable(location)) throw illegalMax(max);
    throw new Refusal(400, "Invalid value", `Invalid value for parameter max: ${query.get("max")}`);
  }
  if (max === -1 && searchable(location)) throw illegalMax(max);
  const limit = max === undefined || max < 0 ? undefined : max;
  // Without a search the engine lists through its search backend all the same (`VMs: `), in
  // the same order as with one.
  const schema = searchable(location) ? searchSchema(engine, type) : undefined;
  const given = query.get("search");
  const search = given ?? (schema?.defaultOrder !== undefined ? "" : null);
  if (search !== null && schema !== undefined) {
    const parsed = parseSearch(search, schema.isField);
    items = parsed
      // A search given replaces the default constraint (a cluster's Gluster volumes).
      ? applySearch(given === null ? items : searchScope(engine, location, items), parsed, schema, {
        caseSensitive: isTrue(query.get("case_sensitive")),
        max: limit,
        now: new Date(),
      })
      : [];
  }
  if (limit !== undefined) items = items.slice(0, limit);
  const body = renderList(engine, location, type, items, parseFollow(query.get("follow")));
  return new Response(body, { headers: { "Content-Type": XML_TYPE } });
}

/**
 * The engine's fault for a negative `max` on a collection it lists by searching: its
 * search query fails, and the REST layer answers the failure's text as it translates a
 * message it has no translation for (lower case).
 */
function illegalMax(max: number): Refusal {
  return new Refusal(400, "Operation Failed", `illegal max count value for query : ${max}`);
}

/**
 * A boolean parameter as the engine reads it: `true`, `t`, `yes`, `y`, `1` (any case)
 * and the empty value are true; anything else, or no parameter, false.
 */
function isTrue(value: string | null): boolean {
  return value !== null && /^(t(rue)?|y(es)?|1|)$/i.test(value);
}

function answerAdd(call: Call, add: MethodMeta, bytes: Uint8Array): Response {
  const { engine, location } = call;
  const main = add.main!;
  const body = readBody(bytes, { type: main.type!, list: main.list });
  const type = collectionType(location.service) ?? main.type!;
  const hook = behaviourOf(location).add;
  const create = (value: Record<string, unknown>) => {
    checkRequired(location.service.name, "add", type, value);
    const created = hook ? hook(call, value as Entity) : addObject(call, value);
    record(
      call,
      type,
      created,
      `${location.path}/${encodeURIComponent(created.id)}`,
      "was added",
      "add",
    );
    return created;
  };
  if (Array.isArray(body)) { // a list main parameter (`<bricks>`): answered with the list
    const items = body.map(create);
    return new Response(renderList(engine, location, type, items, parseFollow(null)), {
      status: 201,
      headers: { "Content-Type": XML_TYPE },
    });
  }
  const created = create(body);
  if (addAnsweredAsAction(location)) {
    return xmlAnswer(200, writeStruct("Action", { status: "complete" }));
  }
  const path = `${location.path}/${encodeURIComponent(created.id)}`;
  const xml = renderObject(
    engine,
    created,
    { type, path, service: itemService(location) },
    parseFollow(null),
  );
  return xmlAnswer(201, xml, { Location: `${call.origin}${engine.href(path)}` });
}

function answerUpdate(call: Call, entity: Entity, update: MethodMeta, bytes: Uint8Array): Response {
  const { engine, location } = call;
  const type = typeAt(location)!;
  const sent = readBody(bytes, { type: update.main!.type! });
  checkRequired(location.service.name, "update", type, sent);
  checkIdUnchanged(location.service.name, sent, entity);
  const changes = settableChanges(type, sent);
  const hook = behaviourOf(location).update;
  const updated = hook
    ? hook(call, entity, changes as Entity)
    : updateObject(engine, location.parent!, entity, changes);
  record(call, type, updated, location.path, "was updated", "edit");
  const body = renderObject(engine, updated, {
    type,
    path: location.path,
    service: location.service,
  }, parseFollow(null));
  return xmlAnswer(200, body);
}

function answerRemove(call: Call, entity: Entity): Response {
  const { engine, location } = call;
  const type = typeAt(location)!;
  const handled = behaviourOf(location).remove?.(call, entity);
  if (handled !== true) removeObject(engine, location.parent!, entity.id);
  record(call, type, entity, location.path, "was removed", "remove");
  if (call.query.get("async")?.toLowerCase() === "true") return new Response(null, { status: 202 });
  return xmlAnswer(200, writeStruct("Action", { status: "complete" }));
}

async function runAction(
  engine: Engine,
  call: Call,
  action: MethodMeta,
  request: Request,
): Promise<Response> {
  const target = objectAt(engine, call.location);
  const bytes = await request.bytes();
  const params = bytes.length ? readBody(bytes, { type: "Action" }) : {};
  checkRequired(call.location.service.name, action.name, "Action", params);
  const handler = behaviourOf(call.location).actions?.[action.segment!];
  let output: ActionValues | void;
  try {
    output = handler?.(call, target, params);
  } catch (error) {
    if (error instanceof Refusal && error.status === 409) return failedAction(error);
    throw error;
  }
  const type = typeAt(call.location);
  if (target && type) {
    const what = `completed action ${action.segment}`;
    record(call, type, target, call.location.path, what, verbOf(action.segment!));
  }
  const raw = rawActionAnswer(call.location.service.name, action.segment!);
  if (raw) return raw;
  const answer = { ...params, ...output, status: "complete" };
  return xmlAnswer(200, writeStruct("Action", answer));
}

/** A refused action: the engine answers with an `<action>` holding the fault. */
function failedAction(refusal: Refusal): Response {
  const fault = { reason: refusal.reason, detail: refusal.message };
  return xmlAnswer(refusal.status, writeStruct("Action", { status: "failed", fault }));
}

function allowed(location: Location): string[] {
  const methods: string[] = [];
  const has = (kind: MethodMeta["kind"]) => methodOf(location.service, kind) !== undefined;
  if (has("get") || has("list")) methods.push("GET");
  if (has("add")) methods.push("POST");
  if (has("update")) methods.push("PUT");
  if (has("remove")) methods.push("DELETE");
  return methods;
}

function notAllowed(methods: string[]): Response {
  return new Response(null, { status: 405, headers: { Allow: methods.join(", ") } });
}

/**
 * Appends the event of one change, referring to the object where the event model can,
 * and starts the change's job (`verb` names it: `Add VM web01`), both tagged with the
 * request's correlation id. Changes of jobs and steps themselves start no job.
 */
function record(
  call: Call,
  type: string,
  entity: Entity,
  path: string,
  what: string,
  verb: string,
): void {
  const { engine, correlationId } = call;
  const name = typeof entity.name === "string" ? entity.name : entity.id;
  const ref = EVENT_REFERENCES[type];
  const refs = ref ? { [ref]: { id: entity.id, href: engine.href(path) } } : {};
  const code = changeCode(call.location.service.name, verb);
  engine.event(code, `${typeLabel(type)} ${name} ${what}.`, refs, "normal", correlationId);
  if (type === "Job" || type === "Step") return;
  const description = `${verb[0].toUpperCase()}${verb.slice(1)} ${typeLabel(type)} ${name}`;
  startCommandJob(engine, correlationId, description, call.jobEnd);
}

/** The member of `Event` that refers to an object of each type, where there is one. */
const EVENT_REFERENCES: Record<string, string> = {
  Vm: "vm",
  Host: "host",
  Cluster: "cluster",
  DataCenter: "dataCenter",
  StorageDomain: "storageDomain",
  Template: "template",
  User: "user",
};

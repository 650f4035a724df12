/**
 * The service runtime: turns what a generated method describes ({@link MethodSpec}) into
 * an HTTP request, and the answer into the method's result or an error.
 *
 * @module
 */

import type { ApiClient, ApiRequest } from "./api_client.ts";
import { Deadline } from "./deadline.ts";
import { OvirtError, withDetails } from "./errors.ts";
import {
  checkCorrelationId,
  checkHeaders,
  checkQuery,
  checkSignal,
  CORRELATION_HEADER,
} from "./options.ts";
import { headerNamed } from "./http.ts";
import { isXml, notXmlError, responseError } from "./response_error.ts";
import { meantName } from "./option_names.ts";
import { readResult, streamedListAnswer } from "./result.ts";
import { mergeRetry, type RetryOptions, type RetryPlan, retryPlan } from "./retry.ts";
import type { CallOptions, MethodSpec, ParamSpec, ServiceRuntime } from "./service.ts";
import { MODEL_SCHEMA } from "./xml/schema.ts";
import { type ListIterator, streamList } from "./xml/stream.ts";
import { queryText, writeStruct, writeXml } from "./xml/writer.ts";

/** What a connection hands its runtime. */
export interface RuntimeSettings {
  /** Time limit of each call in ms (login and body included); `undefined` for none. */
  readonly timeout?: number;
  /** The connection's retry options, under each call's own. */
  readonly retry?: RetryOptions | false;
  /** The `Correlation-Id` of calls that set none: a fixed one, or a generator. */
  readonly correlationId?: string | (() => string);
  /** Throws when the connection is closed. */
  readonly checkOpen: () => void;
}

/** Runs the requests of generated services for one connection. */
export class Runtime implements ServiceRuntime {
  readonly #api: ApiClient;
  readonly #settings: RuntimeSettings;
  /** The retry plan of calls without a `retry` option of their own. */
  readonly #retry: RetryPlan;

  /** Sends through `api` with the connection's `settings`. */
  constructor(api: ApiClient, settings: RuntimeSettings) {
    this.#api = api;
    this.#settings = settings;
    this.#retry = retryPlan("retry", settings.retry);
  }

  /** Sends the request `spec` describes to `path` and resolves to its result. */
  async invoke(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
    main: unknown,
  ): Promise<unknown> {
    this.#settings.checkOpen();
    const call = (options ?? {}) as CallOptions & Record<string, unknown>;
    const correlationId = this.#correlationId(call);
    // One async function from the request to the result: each layer more would cost a
    // promise and a turn of the microtask queue per call.
    const deadline = new Deadline(this.#settings.timeout, call.signal);
    try {
      const request = this.#request(path, spec, call, main, deadline, correlationId);
      return await readResult(spec, request, await this.#api.send(request), main);
    } catch (error) {
      throw withCorrelation(deadline.translate(error), correlationId);
    } finally {
      deadline[Symbol.dispose]();
    }
  }

  /**
   * Sends the `list` request `spec` describes and yields the items as they arrive. The
   * request is sent at the first `next()`; the connection's `timeout` covers the whole
   * iteration but for the time the loop works on each item; stopping early cancels the body.
   */
  stream(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
  ): AsyncIterableIterator<unknown, undefined> {
    return new StreamedList(() => this.#openList(path, spec, options));
  }

  /** Sends a streamed list's request and resolves to the iterator of its items. */
  async #openList(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
  ): Promise<ListIterator> {
    this.#settings.checkOpen();
    if (spec.kind !== "list") throw new OvirtError(`Only list methods stream, not ${spec.kind}`);
    const call = (options ?? {}) as CallOptions & Record<string, unknown>;
    const correlationId = this.#correlationId(call);
    const deadline = new Deadline(this.#settings.timeout, call.signal);
    const failure = (error: unknown) => withCorrelation(deadline.translate(error), correlationId);
    try {
      const request = this.#request(path, spec, call, undefined, deadline, correlationId);
      const response = await this.#api.send(request);
      if (response.status < 200 || response.status > 299) {
        throw await responseError(request, response);
      }
      if (!isXml(response.headers.get("content-type") ?? "application/xml")) {
        await response.body.cancel();
        throw notXmlError(request, response);
      }
      const onEnd = () => deadline[Symbol.dispose]();
      // The time limit is the reading's: the loop's own work on each item is not counted.
      const onHold = this.#settings.timeout
        ? (held: boolean) => held ? deadline.pause() : deadline.resume()
        : undefined;
      const { body, checks } = await streamedListAnswer(spec, request, response);
      return streamList(body, undefined, {
        ...checks,
        onEnd,
        onHold,
        mapError: (error) => failure(checks.mapError(error)),
      });
    } catch (error) {
      deadline[Symbol.dispose]();
      throw failure(error);
    }
  }

  /** The API request of one call, its options checked. */
  #request(
    path: string,
    spec: MethodSpec,
    call: CallOptions & Record<string, unknown>,
    main: unknown,
    deadline: Deadline,
    correlationId: string | undefined,
  ): ApiRequest {
    if (call.headers !== undefined) checkHeaders("headers", call.headers);
    if (call.query !== undefined) checkQuery("query", call.query);
    checkOptionNames(path, spec, call);
    const retry = call.retry === undefined
      ? this.#retry
      : retryPlan("retry", mergeRetry(this.#settings.retry, call.retry));
    const plan = planRequest(path, spec, call, main);
    return {
      method: plan.method,
      url: this.#api.url(plan.path, plan.query),
      headers: plan.headers,
      body: plan.body,
      deadline,
      retry,
      correlationId,
      bulk: spec.kind === "list",
    };
  }

  /** The call's correlation id: its own, else the connection's (fixed or generated). */
  #correlationId(call: CallOptions): string | undefined {
    checkSignal("signal", call.signal);
    // The call's own id, then its own header, then the connection's (option, else header).
    checkCorrelationId("correlationId", call.correlationId);
    const header = headerNamed(call.headers, "correlation-id");
    checkCorrelationId(CORRELATION_HEADER, header);
    const id = call.correlationId ?? header ?? this.#settings.correlationId;
    if (typeof id !== "function") return id;
    const made = id();
    checkCorrelationId("correlationId", made);
    return made;
  }
}

/** The options every call takes, whatever its method's parameters. */
const CALL_OPTIONS = new Set(["headers", "query", "signal", "retry", "correlationId"]);

/**
 * Refuses an option that is neither one of every call's nor a parameter of the method (a
 * typo, or the wire's snake_case: `remove({ detach_only: true })` would otherwise remove the
 * VM's disks too, the engine's default), naming the parameter meant where it can tell.
 */
function checkOptionNames(path: string, spec: MethodSpec, call: Record<string, unknown>): void {
  for (const name of Object.keys(call)) {
    if (call[name] === undefined || CALL_OPTIONS.has(name)) continue;
    if (spec.params.some((param) => param.name === name)) continue;
    const names = [...spec.params.map((param) => param.name), ...CALL_OPTIONS];
    const meant = meantName(name, names);
    const method = spec.kind === "action" ? `the ${spec.segment} action` : spec.kind;
    throw new OvirtError(
      `"${name}" is not an option of ${method} at /${path}` +
        (meant ? ` (did you mean "${meant}"?)` : ""),
    );
  }
}

/** `error` naming the correlation id of its call, when there is one. */
function withCorrelation(error: unknown, correlationId: string | undefined): unknown {
  if (correlationId === undefined || !(error instanceof OvirtError)) return error;
  if (error.correlationId !== undefined) return error;
  return withDetails(error, ` [correlation id ${correlationId}]`, { correlationId });
}

/**
 * The items of a streamed list call, whose request is sent at the first `next()`; after
 * that, each `next()` is the item iterator's own, with nothing in between.
 */
class StreamedList implements AsyncIterableIterator<unknown, undefined> {
  readonly #open: () => Promise<ListIterator>;
  #opening?: Promise<ListIterator>;
  #items?: ListIterator;
  #stopped = false;

  constructor(open: () => Promise<ListIterator>) {
    this.#open = open;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown, undefined>> {
    if (this.#items) return this.#items.next();
    if (this.#stopped) return Promise.resolve({ done: true, value: undefined });
    this.#opening ??= this.#open();
    return this.#opening.then((items) => {
      this.#items = items;
      return this.#stopped ? items.return() : items.next();
    }, (error) => {
      this.#stopped = true;
      throw error;
    });
  }

  /** Stops: the body, if the request was sent, is cancelled. */
  async return(): Promise<IteratorResult<unknown, undefined>> {
    this.#stopped = true;
    const items = this.#items ?? await this.#opening?.catch(() => undefined);
    await items?.return();
    return { done: true, value: undefined };
  }
}

/** What one call sends, before the connection adds its URL root, headers and token. */
export interface RequestPlan {
  /** HTTP method. */
  readonly method: string;
  /** Path below the API root. */
  readonly path: string;
  /** Query parameters. */
  readonly query: Record<string, string>;
  /** The call's own headers. */
  readonly headers?: Record<string, string>;
  /** XML body. */
  readonly body?: string;
}

/** The request of one call: method, path, query and body per the protocol's HTTP mapping. */
export function planRequest(
  path: string,
  spec: MethodSpec,
  call: CallOptions & Record<string, unknown>,
  main: unknown,
): RequestPlan {
  const headers = call.headers;
  switch (spec.kind) {
    case "get":
    case "list":
      return { method: "GET", path, query: queryOf(spec, call), headers };
    case "remove": {
      // A parameter no query string can carry goes in an `<action>` body, as the engine
      // reads it (the bricks of `GlusterBricksService.remove`).
      const values = actionValues(spec.params.filter(needsBody), call);
      const body = Object.keys(values).length > 0 ? writeStruct("Action", values) : undefined;
      return { method: "DELETE", path, query: queryOf(spec, call), headers, body };
    }
    case "add":
    case "update":
      return {
        method: spec.kind === "add" ? "POST" : "PUT",
        path,
        query: queryOf(spec, call),
        body: mainBody(spec, main),
        headers,
      };
    case "action":
      return {
        method: "POST",
        path: path === "" ? spec.segment! : `${path}/${spec.segment}`,
        query: actionQuery(spec.params, call),
        body: writeStruct("Action", actionValues(spec.params, call)),
        headers,
      };
  }
}

/** The query of a standard method: every parameter set in `call`, then `call.query`. */
function queryOf(
  spec: MethodSpec,
  call: CallOptions & Record<string, unknown>,
): Record<string, string> {
  const query: Record<string, string> = {};
  for (const param of spec.params) {
    const value = call[param.name];
    if (value === undefined || value === null) continue; // absent, as in a body
    if (needsBody(param)) {
      if (spec.kind === "remove") continue; // in the body
      throw new OvirtError(`The parameter "${param.name}" cannot be sent in a query string`);
    }
    query[param.wire] = queryText(param.kind, value, param.name);
    const alias = ALSO_SENT_AS.get(param.wire);
    if (alias !== undefined) query[alias] = query[param.wire];
  }
  return call.query === undefined ? query : { ...query, ...call.query };
}

/** Whether `param` cannot travel in a query string: a struct, or a list. */
function needsBody(param: ParamSpec): boolean {
  return param.kind === "struct" || param.list === true;
}

/** The body of `add`/`update`: the main parameter as its type's document. */
function mainBody(spec: MethodSpec, main: unknown): string {
  const param = spec.main;
  if (param?.type === undefined) {
    throw new OvirtError(`The ${spec.kind} method has no main parameter to send`);
  }
  if (typeof main !== "object" || main === null) {
    throw new OvirtError(`The ${spec.kind} method needs the object to send, got ${typeof main}`);
  }
  if (param.list) return writeXml(MODEL_SCHEMA.struct(param.type).meta.listTag, main);
  return writeStruct(param.type, main);
}

/**
 * Action parameters that the engine reads from the query string for some actions, where
 * the model puts them in the `<action>` body: `async` (actions the engine runs through its
 * generic action handler, such as `setupNetworks` or `refreshLuns`), `filter` (read from
 * the query or the `Filter` header only: a VM's `start`, a disk's `copy`, `move`, `export`),
 * `collapse_snapshots` (importing a VM from a storage domain) and `stop_gluster_service`
 * (deactivating a host). They are sent in both places: each action reads one of them.
 * The generator reads this set too, so that the options' docs say so.
 */
export const ALSO_IN_QUERY: ReadonlySet<string> = new Set([
  "async",
  "filter",
  "collapse_snapshots",
  "stop_gluster_service",
]);

/**
 * Query parameters of standard methods that the engine reads under another name: each is
 * sent under both, with the same value (the model's name, for an engine that reads it one
 * day). `use_active` of a VM backup's `add` is read as `legacy` (`BackendVmBackupsResource`:
 * `true` backs up the active volume; otherwise an engine at 4.7 or later takes a snapshot
 * first). The generator reads this map too, so that the options' docs say so.
 */
export const ALSO_SENT_AS: ReadonlyMap<string, string> = new Map([["use_active", "legacy"]]);

/** The query of an action: the parameters of {@link ALSO_IN_QUERY} set, then `call.query`. */
function actionQuery(
  params: readonly ParamSpec[],
  call: CallOptions & Record<string, unknown>,
): Record<string, string> {
  const query: Record<string, string> = {};
  for (const param of params) {
    const value = call[param.name];
    if (value === undefined || value === null || !ALSO_IN_QUERY.has(param.wire)) continue;
    query[param.wire] = queryText(param.kind, value, param.name);
  }
  return { ...query, ...call.query };
}

/**
 * The members of an action's `<action>` body: the parameters set in `call`, each as the
 * `Action` member its wire name is (an option may have a name of its own, such as
 * `upgradeCorrelationId` for `<correlation_id>`).
 */
function actionValues(
  params: readonly ParamSpec[],
  call: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const param of params) {
    if (call[param.name] !== undefined) values[actionMember(param)] = call[param.name];
  }
  return values;
}

/** `Action` member names by tag, read from the model at the first action sent. */
let actionMembers: ReadonlyMap<string, string> | undefined;

/** The `Action` member a parameter is sent as: the one of its wire name. */
function actionMember(param: ParamSpec): string {
  actionMembers ??= new Map(
    MODEL_SCHEMA.structMeta("Action").members.map((member) => [member.tag, member.name]),
  );
  return actionMembers.get(param.wire) ?? param.name;
}

/**
 * The service runtime: turns what a generated method describes ({@link MethodSpec}) into
 * an HTTP request, and the answer into the method's result or an error.
 *
 * @module
 */

import type { ApiClient } from "./api_client.ts";
import { Deadline } from "./deadline.ts";
import { OvirtError } from "./errors.ts";
import { isXml, notXmlError, responseError } from "./response_error.ts";
import { readResult } from "./result.ts";
import type { CallOptions, MethodSpec, ParamSpec, ServiceRuntime } from "./service.ts";
import { MODEL_SCHEMA } from "./xml/schema.ts";
import { streamList } from "./xml/stream.ts";
import { writeStruct, writeXml } from "./xml/writer.ts";

/** Runs the requests of generated services for one connection. */
export class Runtime implements ServiceRuntime {
  readonly #api: ApiClient;
  readonly #timeout?: number;
  readonly #checkOpen: () => void;

  /**
   * Sends through `api`, each call (login and body included) limited to `timeout` ms;
   * `checkOpen` throws when the connection is closed.
   */
  constructor(api: ApiClient, timeout: number | undefined, checkOpen: () => void) {
    this.#api = api;
    this.#timeout = timeout;
    this.#checkOpen = checkOpen;
  }

  /** Sends the request `spec` describes to `path` and resolves to its result. */
  async invoke(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
    main: unknown,
  ): Promise<unknown> {
    this.#checkOpen();
    const call = (options ?? {}) as CallOptions & Record<string, unknown>;
    const deadline = new Deadline(this.#timeout, call.signal);
    try {
      const plan = planRequest(path, spec, call, main);
      const url = this.#api.url(plan.path, plan.query);
      const { method, headers, body } = plan;
      const response = await this.#api.send({
        method,
        url,
        headers,
        body,
        signal: deadline.signal,
      });
      return await readResult(spec, { method, url }, response);
    } catch (error) {
      throw deadline.translate(error);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Sends the `list` request `spec` describes and yields the items as they arrive. The
   * connection's `timeout` covers the whole iteration; stopping early cancels the body.
   */
  async *stream(
    path: string,
    spec: MethodSpec,
    options: object | undefined,
  ): AsyncGenerator<unknown, void, undefined> {
    this.#checkOpen();
    if (spec.kind !== "list") throw new OvirtError(`Only list methods stream, not ${spec.kind}`);
    const call = (options ?? {}) as CallOptions & Record<string, unknown>;
    const deadline = new Deadline(this.#timeout, call.signal);
    try {
      const plan = planRequest(path, spec, call, undefined);
      const url = this.#api.url(plan.path, plan.query);
      const exchange = { method: plan.method, url };
      const response = await this.#api.send({
        method: plan.method,
        url,
        headers: plan.headers,
        signal: deadline.signal,
      });
      if (response.status < 200 || response.status > 299) {
        throw await responseError(exchange, response);
      }
      if (!isXml(response.headers.get("content-type") ?? "application/xml")) {
        await response.body.cancel();
        throw notXmlError(exchange, response);
      }
      yield* streamList(response.body);
    } catch (error) {
      throw deadline.translate(error);
    } finally {
      deadline.dispose();
    }
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
  const extra = { headers: call.headers };
  switch (spec.kind) {
    case "get":
    case "list":
      return { method: "GET", path, query: queryOf(spec, call), ...extra };
    case "remove":
      return { method: "DELETE", path, query: queryOf(spec, call), ...extra };
    case "add":
    case "update":
      return {
        method: spec.kind === "add" ? "POST" : "PUT",
        path,
        query: queryOf(spec, call),
        body: mainBody(spec, main),
        ...extra,
      };
    case "action":
      return {
        method: "POST",
        path: path === "" ? spec.segment! : `${path}/${spec.segment}`,
        query: { ...call.query },
        body: writeStruct("Action", actionValues(spec.params, call)),
        ...extra,
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
    if (value === undefined) continue;
    if (param.kind === "struct" || param.list) {
      throw new OvirtError(`The parameter "${param.name}" cannot be sent in a query string`);
    }
    query[param.wire] = value instanceof Date ? value.toISOString() : String(value);
  }
  return { ...query, ...call.query };
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

/** The members of an action's `<action>` body: the parameters set in `call`. */
function actionValues(
  params: readonly ParamSpec[],
  call: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const param of params) {
    if (call[param.name] !== undefined) values[param.name] = call[param.name];
  }
  return values;
}

/**
 * The default transport: `fetch` through an HTTP client of its own, so that its TLS trust
 * and its kept-alive connections belong to one SDK connection.
 *
 * @module
 */

import { type BodyReader, bodyReader, emptyReader, fillingReader, loadedReader } from "./body.ts";
import {
  type HttpRequest,
  type HttpTransport,
  mayShareConnection,
  type TransportOptions,
  type TransportResponse,
} from "./http.ts";
import { ConnectProbe } from "./connect_probe.ts";
import { ListWorker } from "./list_worker.ts";
import { NodeTransport } from "./node_transport.ts";
import { IDLE_CONNECTION_LIMIT } from "./options.ts";
import { proxyFor, unreadableProxyVariables } from "./proxy_env.ts";
import { OvirtError } from "./errors.ts";

/**
 * Bodies up to this size, when the server declares their length, are read in one go:
 * every read of a `fetch` body stream costs an operation of its own, which would double
 * the time of a small request. Longer bodies stay streams.
 */
const ONE_READ_LIMIT = 64 * 1024;

/**
 * A list answer at least this long starts the list worker: shorter ones are read sooner than
 * a worker starts (and a worker's memory is not worth them).
 */
const LONG_LIST = 1024 * 1024;

/**
 * Sends requests with `fetch` and two `Deno.HttpClient`s of its own: one keeping
 * connections alive for idempotent requests, one that opens a connection per request for
 * the others (Deno's client re-sends a request by itself when a kept-alive connection turns
 * out to be closed; on a fresh connection it does not).
 */
export class FetchTransport implements HttpTransport {
  readonly #pooled: Deno.HttpClient;
  readonly #singleUse: Deno.HttpClient;
  readonly #proxy?: URL;
  readonly #probe?: ConnectProbe;
  /**
   * Sends image transfer bodies: `fetch` copies every request body, `node:https` does not.
   * Absent when the script may not read the proxy variables, which `fetch` reads anyway:
   * `node:https` could not take its route.
   */
  readonly #transferBodies?: NodeTransport;
  /** What the list worker is made with; `undefined` when lists stay on this thread. */
  readonly #listWorkerOptions?: TransportOptions;
  /** Receives list answers once a long one came (see {@link ListWorker}). */
  #listWorker?: ListWorker;

  /**
   * Trusts `caCerts` (PEM) if given, else Deno's default trust store; goes through `proxy`
   * if given, else as the proxy environment variables say (Deno reads them itself).
   */
  constructor(options: TransportOptions) {
    const { caCerts, proxy, connectTimeout } = options;
    this.#proxy = proxy;
    if (options.listWorker) this.#listWorkerOptions = options;
    // Deno's fetch reads the proxy variables without permission, the SDK only with it: where
    // it cannot, the route of fetch is unknown, and every request goes through fetch.
    const unreadable = unreadableProxyVariables(proxy !== undefined);
    if (connectTimeout !== undefined && unreadable.length > 0) {
      throw new OvirtError(
        "connectTimeout needs to know which requests go through a proxy, which Deno's fetch " +
          `decides from environment variables this script may not read: run it with ` +
          `--allow-env=${unreadable.join(",")} (or --allow-env)`,
      );
    }
    this.#probe = connectTimeout === undefined
      ? undefined
      : new ConnectProbe(connectTimeout, caCerts);
    // Without CAs of its own, node:https would load the system's roots (`--allow-sys`).
    this.#transferBodies = caCerts?.length && unreadable.length === 0
      ? new NodeTransport(options)
      : undefined;
    const common: Deno.CreateHttpClientOptions = {
      ...(caCerts?.length ? { caCerts: [...caCerts] } : {}),
      ...(proxy ? { proxy: { url: proxy.href } } : {}),
      poolIdleTimeout: IDLE_CONNECTION_LIMIT,
    };
    this.#pooled = Deno.createHttpClient(common);
    this.#singleUse = Deno.createHttpClient({ ...common, poolMaxIdlePerHost: 0 });
  }

  /**
   * Sends `request`; redirects are returned, not followed. With a connect timeout, the host
   * is probed first when the request may need a new connection, and probed again when the
   * request has no answer within the limit (see {@link ConnectProbe}). An image transfer
   * request with a body goes through `node:https` with the same CAs, which does not copy the
   * body, unless its route is one `node:https` cannot take. A list request
   * goes through the list worker once a list answer of {@link LONG_LIST} bytes has come
   * (the worker starts then), so that a connection listing only short answers never starts
   * it.
   */
  async send(request: HttpRequest): Promise<TransportResponse> {
    const { url } = request;
    if (request.transfer && request.body !== undefined && this.#transferBodies) {
      // node:https knows no SOCKS proxy: through one, the body goes as the API calls go.
      if (!isSocks(proxyFor(url, this.#proxy))) return await this.#transferBodies.send(request);
    }
    // Through a proxy, the proxy makes the connection: there is nothing to probe.
    const probe = this.#probe && proxyFor(url, this.#proxy) === undefined ? this.#probe : undefined;
    if (probe === undefined) return await this.#fetch(request);
    const fresh = !mayShareConnection(request.method);
    const probed = probe.check(url, request.signal, fresh);
    if (probed) await probed;
    // A change is sent on a new connection, just probed: its answer is waited for.
    const watch = fresh ? undefined : probe.watch(url, request.signal);
    let response: TransportResponse;
    try {
      response = await this.#fetch(watch ? { ...request, signal: watch.signal } : request);
    } catch (error) {
      probe.forget(url);
      throw watch?.signal.aborted && !request.signal?.aborted ? watch.signal.reason : error;
    } finally {
      watch?.done();
    }
    probe.answered(url);
    return response;
  }

  /** Sends `request` with `fetch`, or through the list worker once it has started. */
  async #fetch(request: HttpRequest): Promise<TransportResponse> {
    if (request.bulk && request.body === undefined && this.#listWorker?.ready) {
      return await this.#listWorker.send(request);
    }
    const response = await fetch(request.url.href, this.#init(request));
    let body = bodyOf(response, request.transfer === true);
    if (request.bulk && this.#listWorkerOptions && this.#listWorker === undefined) {
      body = measured(body, () => this.#listWorker ??= new ListWorker(this.#listWorkerOptions!));
    }
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body,
    };
  }

  /**
   * What `fetch` is given for `request`: only the options that differ from its defaults, as
   * each one it is given costs it a little on every call.
   */
  #init(request: HttpRequest): RequestInit & { client: Deno.HttpClient } {
    const { method } = request;
    const init: RequestInit & { client: Deno.HttpClient } = {
      headers: request.headers,
      client: mayShareConnection(method) ? this.#pooled : this.#singleUse,
      redirect: "manual",
    };
    if (method !== "GET") init.method = method;
    if (request.body !== undefined) init.body = request.body;
    if (request.signal !== undefined) init.signal = request.signal;
    return init;
  }

  /** Ends the probes under way: no request has gone out after them yet. */
  cancelConnects(): void {
    this.#probe?.close();
  }

  /** Closes the HTTP clients and their connections. */
  close(): void {
    this.cancelConnects();
    this.#pooled.close();
    this.#singleUse.close();
    this.#transferBodies?.close();
    this.#listWorker?.close();
  }
}

/** Whether `proxy` is a SOCKS proxy (which `ALL_PROXY` may name). */
function isSocks(proxy: URL | undefined): boolean {
  return proxy !== undefined && proxy.protocol.startsWith("socks");
}

/**
 * The reader of `response`'s body: a short one that is not compressed is read with a single
 * operation, an image transfer's fills the caller's buffers.
 */
function bodyOf(response: Response, transfer: boolean): BodyReader {
  const { headers } = response;
  const declared = headers.get("content-length");
  // A compressed body's declared length says nothing of what it expands to: stream it, so
  // that whoever reads it can stop at a limit of their own.
  if (declared !== null && Number(declared) <= ONE_READ_LIMIT && !headers.has("content-encoding")) {
    // Not `response.body`: Deno makes that stream when it is first asked for.
    return loadedReader(() => response.bytes(), (reason) => cancelBody(response, reason));
  }
  const { body } = response;
  if (body === null) return emptyReader();
  RESPONSES_OF_BODIES.set(body, response);
  return bodyReader(body, transfer ? fillingReader : undefined);
}

/**
 * The answer of each body being read: `fetch` ends a body when its request's signal aborts
 * (a read when the connection closes) only through the `Response`, which it holds weakly. The
 * body's reader holds the body, which here holds its `Response`, which then stays reachable
 * while the body is read (and not longer: the map holds its keys weakly).
 */
const RESPONSES_OF_BODIES = new WeakMap<ReadableStream<Uint8Array>, Response>();

/** `reader`, calling `long` once when the body has passed {@link LONG_LIST} bytes. */
function measured(reader: BodyReader, long: () => void): BodyReader {
  let length = 0;
  return {
    async read() {
      const chunk = await reader.read();
      if (!chunk.done && length < LONG_LIST && (length += chunk.value.byteLength) >= LONG_LIST) {
        long();
      }
      return chunk;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

/** Lets go of the unread body of `response`. */
async function cancelBody(response: Response, reason: unknown): Promise<void> {
  await response.body?.cancel(reason).catch(() => {});
}

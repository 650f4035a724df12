/**
 * `BaseConnection`: what the SDK's entry point does apart from the model. Holds the
 * options, the transport and the SSO token, and frees them all on `close()`. The generated
 * `Connection` (`services/connection.ts`) adds the model's typed service tree: the runtime
 * imports no generated code.
 *
 * @module
 */

import { untilAborted } from "./abortable.ts";
import { ApiClient } from "./api_client.ts";
import { Authenticator, defaultSsoEndpoints } from "./auth.ts";
import { readBytes } from "./body.ts";
import { checkedCertificates } from "./ca_certificates.ts";
import { DebugLog } from "./debug_log.ts";
import { withDeadline } from "./deadline.ts";
import { OvirtError } from "./errors.ts";
import { headerNamed, headerRecord, type HttpTransport } from "./http.ts";
import { HttpClient } from "./http_client.ts";
import { Limiter } from "./limiter.ts";
import {
  checkBoolean,
  checkCorrelationId,
  checkCount,
  checkFunction,
  checkHeaders,
  checkMilliseconds,
  checkQuery,
  checkString,
  checkStrings,
  checkToken,
  checkUrl,
  CORRELATION_HEADER,
} from "./options.ts";
import { isXml, responseError } from "./response_error.ts";
import { checkOptionKeys } from "./option_names.ts";
import { type RetryOptions, retryPlan } from "./retry.ts";
import { Runtime } from "./runtime.ts";
import type { Service, ServiceRuntime } from "./service.ts";
import { systemCaBundle } from "./system_cas.ts";
import { createTransport } from "./transports.ts";
import { USER_AGENT } from "./version.ts";
import { readXml } from "./xml/read_xml.ts";

/** The default cap on requests in flight per connection (see {@link ConnectionOptions}). */
export const DEFAULT_CONNECTIONS = 8;

/** How to reach and log in to an engine. */
export interface ConnectionOptions {
  /** The API root, e.g. `https://engine.example.com/ovirt-engine/api`. */
  url: string;
  /** User name with profile, e.g. `admin@internal`; with `password`, used to log in. */
  username?: string;
  /** Password of `username`. */
  password?: string;
  /** An SSO token to use instead of logging in; it is never revoked by `close()`. */
  token?: string;
  /**
   * Log in with the user's Kerberos ticket (from `kinit`) instead of a password: a SPNEGO
   * token for `HTTP@<host of the URL>` through MIT's GSS-API (`libgssapi_krb5.so.2`, run
   * with `--allow-ffi`) to the SSO's `token-http-auth` endpoint. Use the engine's host name,
   * not an IP address or an alias.
   */
  kerberos?: boolean;
  /** Path of a PEM file with the CA certificates to trust (read on the first request). */
  caFile?: string;
  /**
   * PEM CA certificates to trust. Without `caFile` or `caCerts`, the system's CA bundle is
   * trusted (the file `SSL_CERT_FILE` names, or the usual bundle of the system, when the
   * script may read it) together with Deno's default roots.
   */
  caCerts?: string[];
  /**
   * Skip TLS certificate verification (for tests only); needs no Deno flags. Refused together
   * with `caFile` or `caCerts`.
   */
  insecure?: boolean;
  /**
   * Time limit of each call in milliseconds: login, request, repetitions and reading the
   * answer. 0 or absent: no limit.
   */
  timeout?: number;
  /** Headers to send with every API request. */
  headers?: Record<string, string>;
  /** Query parameters to send with every API request (a call's own `query` wins). */
  query?: Record<string, string>;
  /** Log every request and answer, with secrets hidden. */
  debug?: boolean;
  /** Where debug lines go; `console.error` by default. */
  log?: (line: string) => void;
  /** The SSO token endpoint; by default `/ovirt-engine/sso/oauth/token` on the API's host. */
  ssoUrl?: string;
  /** The SSO logout endpoint; by default `/ovirt-engine/services/sso-logout` on the API's host. */
  ssoRevokeUrl?: string;
  /**
   * Most requests in flight at once (default {@link DEFAULT_CONNECTIONS}); more wait their
   * turn in order. It also caps the connections kept open to the engine. 0: no limit.
   */
  connections?: number;
  /**
   * When calls are made again after failures that are safe to repeat (on by default: see
   * {@link RetryOptions}); `false` makes every call once. A call's own `retry` wins.
   */
  retry?: RetryOptions | false;
  /**
   * The `Correlation-Id` of calls that give none: a fixed string, or a function making one
   * per call (`() => crypto.randomUUID()`).
   */
  correlationId?: string | (() => string);
  /**
   * Most milliseconds to wait for a connection to the engine (or image host) to be made,
   * apart from the call's `timeout`; 0 or absent: no limit of its own. A host that does not
   * accept the connection in time fails like a refused one: the request never left, so it
   * is tried again even for an `add`. With `fetch`, which has no such limit, the host is
   * probed with a plain TCP connection before the first request and after a failure.
   */
  connectTimeout?: number;
  /**
   * An HTTP(S) proxy URL for every request (`http://proxy.example.com:3128`). Without it,
   * `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` decide, as for Deno's `fetch`.
   */
  proxy?: string;
  /**
   * Receive the answers of `list()` and `listStream()` on a worker thread, so that reading a
   * long list overlaps its transfer (TLS decryption included) instead of taking turns with
   * it. On by default where the process may run on two CPUs or more
   * (`navigator.hardwareConcurrency`, which a CPU affinity or a CPU quota lowers), off where
   * it may run on one: there the thread takes turns with the reader, and brings no steady gain
   * for its memory. The thread starts after the first long list answer, and does
   * not keep the process alive. Not with `insecure`, whose transport does not use `fetch`.
   */
  listWorker?: boolean;
}

/** A request to an image transfer URL, for {@link BaseConnection.transferRequest}. */
export interface TransferRequest {
  /** HTTP method: `PUT` to upload, `GET` to download, `OPTIONS` to ask what it supports. */
  method: string;
  /** The transfer URL (it carries the ticket). */
  url: string | URL;
  /** Headers such as `Content-Range` or `Range`. */
  headers?: Record<string, string>;
  /** Bytes to upload. */
  body?: Uint8Array<ArrayBuffer>;
  /** Aborts the request. */
  signal?: AbortSignal;
  /**
   * Milliseconds the request may take until its answer's headers arrive, in place of the
   * connection's `timeout` (0: no limit): for an answer the server sends only once it has
   * done long work, such as imageio's checksum of a whole image.
   */
  timeout?: number;
  /**
   * Called once the request leaves the queue of the connection's request cap
   * (`connections`) and is sent, never while it waits there: a limit of the caller's own on
   * the server's answer starts then. It must not throw.
   */
  onSend?: () => void;
}

/** The answer to a {@link TransferRequest}; its body must be read or cancelled. */
export interface TransferResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The body as it arrives. */
  body: ReadableStream<Uint8Array>;
}

/** What the connection reads of the API root document (`<api>`). */
interface ApiRoot {
  productInfo?: { version?: EngineVersion };
}

/** A value that points somewhere in the API: anything with an `href`. */
export type Link = { href?: string };

/** The options of the connection's own calls (`test`, `engineVersion`, `followLink`...). */
export interface SignalOption {
  /** Ends the call's wait: `AbortSignal.timeout(ms)` for a time limit of its own. */
  signal?: AbortSignal;
}

/**
 * The engine's version as the API root tells it (a `types.Version`; the generated
 * `Connection` gives it that type).
 */
export interface EngineVersion {
  /** The major version (4). */
  major?: number | bigint;
  /** The minor version. */
  minor?: number | bigint;
  /** The build number. */
  build?: number | bigint;
  /** The revision. */
  revision?: number | bigint;
  /** The whole version as one string. */
  fullVersion?: string;
}

/**
 * A connection to one engine's API with one set of credentials, apart from the model's
 * service tree: use the generated `Connection`, which adds it. Sends nothing until used.
 */
export abstract class BaseConnection implements AsyncDisposable {
  readonly #apiUrl: URL;
  readonly #options: ConnectionOptions;
  readonly #auth: Authenticator;
  readonly #api: ApiClient;
  readonly #http: HttpClient;
  /** The cap on requests in flight, shared by every request of the connection. */
  readonly #limiter: Limiter;
  readonly #runtime: Runtime;
  readonly #timeout?: number;
  readonly #log?: DebugLog;
  #version?: Promise<EngineVersion>;
  #transport?: Promise<HttpTransport>;
  #closing?: Promise<void>;
  /** Set once the transport is closed: no call may open another one. */
  #closed = false;

  /** Checks the options and prepares the connection; nothing is sent. */
  constructor(options: ConnectionOptions) {
    [this.#options, this.#apiUrl] = checkOptions(options);
    const defaults = defaultSsoEndpoints(this.#apiUrl, options.kerberos);
    const endpoints = {
      tokenUrl: options.ssoUrl ? checkUrl("ssoUrl", options.ssoUrl) : defaults.tokenUrl,
      revokeUrl: options.ssoRevokeUrl
        ? checkUrl("ssoRevokeUrl", options.ssoRevokeUrl)
        : defaults.revokeUrl,
    };
    const timeout = this.#timeout = checkMilliseconds("timeout", options.timeout);
    const connections = checkCount("connections", options.connections) ?? DEFAULT_CONNECTIONS;
    const connectTimeout = checkMilliseconds("connectTimeout", options.connectTimeout);
    const retry = retryPlan("retry", options.retry);
    this.#log = options.debug ? new DebugLog(options.log ?? console.error) : undefined;
    const http = this.#http = new HttpClient({
      transport: () => {
        if (this.#closed) throw new OvirtError("The connection is closed");
        return this.#transport ??= this.#createTransport(connections, connectTimeout);
      },
      limiter: this.#limiter = new Limiter(connections),
      log: this.#log,
      proxy: options.proxy === undefined ? undefined : new URL(options.proxy),
    });
    this.#auth = new Authenticator(options, endpoints, http, {
      timeout,
      retry: retry.transient,
      closing: this.#limiter.closing,
    });
    this.#api = new ApiClient(
      this.#apiUrl,
      { headers: options.headers ?? {}, query: options.query ?? {} },
      this.#auth,
      http,
      this.#limiter,
      this.#log,
    );
    this.#runtime = new Runtime(this.#api, {
      timeout,
      retry: options.retry,
      correlationId: options.correlationId ?? headerNamed(options.headers, "correlation-id"),
      checkOpen: () => this.#checkOpen(),
    });
  }

  /** The root of the service tree (the generated `Connection` says which). */
  abstract systemService(): Service;

  /** What the services of this connection send their requests through. */
  protected get serviceRuntime(): ServiceRuntime {
    return this.#runtime;
  }

  /**
   * The service at `path` relative to the API root (`"vms/123/nics"`), or at an `href` the
   * server sent (`"/ovirt-engine/api/vms/123"`), found by walking the tree one segment at a
   * time. Segments are URL path segments: `%xx` is decoded.
   */
  service(path: string): Service {
    const root = this.#apiPath; // with its final "/"
    const relative = path === root.slice(0, -1)
      ? ""
      : path.startsWith(root)
      ? path.slice(root.length)
      : path;
    let service: Service = this.systemService();
    for (const segment of relative.split("/")) {
      if (segment !== "") service = service.locate(decodeSegment(segment));
    }
    return service;
  }

  /**
   * Logs in (or reuses the current token) and resolves to the SSO token; `signal` ends this
   * call's wait (not a login other calls share).
   */
  async authenticate(options: SignalOption = {}): Promise<string> {
    this.#checkOpen();
    return await withDeadline(
      this.#timeout,
      options.signal,
      (deadline) => {
        deadline.waitingFor(this.#auth.loginWaited);
        return this.#auth.token(deadline.signal);
      },
    );
  }

  /**
   * When the current SSO token expires, as the SSO said when it was issued: known after a
   * login (`authenticate()` or any call); `undefined` before, for a token passed in, or when
   * the SSO did not say.
   */
  tokenExpiry(): Date | undefined {
    return this.#auth.expiry;
  }

  /**
   * Revokes the current SSO token at the engine's SSO, whoever obtained it (a `token` passed
   * in too, which `close()` leaves alone), and forgets it once the SSO has revoked it: a later
   * call logs in again, or fails without credentials. A revocation that fails (an
   * `AuthError`, a `ConnectionError`) keeps the token, still valid, so that calling this
   * again sends it again. Resolves at once when there is no token.
   */
  async revokeToken(): Promise<void> {
    this.#checkOpen();
    await this.#auth.logout(true);
  }

  /**
   * Whether the server answers the API root document (`<api>`) with these credentials; any
   * other answer, such as a proxy's or a portal's HTML page, is a failure. With
   * `raiseException`, rejects with the reason instead of resolving to `false`; `signal` ends
   * the request (a failure like any other).
   */
  async test(raiseException = false, options: SignalOption = {}): Promise<boolean> {
    this.#checkOpen();
    try {
      await this.#apiRoot(options.signal);
      return true;
    } catch (error) {
      if (raiseException) throw error;
      return false;
    }
  }

  /**
   * The engine's version, from the API root's product information (`major`, `minor`,
   * `build`, `revision`, `fullVersion`), asked once per connection and then remembered.
   * `signal` ends this call's wait (the request, shared with other callers, goes on).
   */
  async engineVersion(options: SignalOption = {}): Promise<EngineVersion> {
    this.#checkOpen();
    this.#version ??= this.#apiRoot().then((api) => {
      const version = api.productInfo?.version;
      if (version?.major === undefined) {
        throw new OvirtError("The API root document does not say the engine's version");
      }
      return version;
    });
    this.#version.catch(() => this.#version = undefined);
    return await withDeadline(
      undefined,
      options.signal,
      (deadline) => untilAborted(this.#version!, deadline.signal),
    );
  }

  /** The API root document, or the reason it could not be had. */
  #apiRoot(signal?: AbortSignal): Promise<ApiRoot> {
    this.#checkOpen();
    return withDeadline(this.#timeout, signal, async (deadline) => {
      const exchange = { method: "GET", url: this.#api.url("") };
      const response = await this.#api.send({
        ...exchange,
        deadline,
        retry: retryPlan("retry", this.#options.retry),
      });
      if (response.status < 200 || response.status > 299) {
        throw await responseError(exchange, response);
      }
      const type = response.headers.get("content-type");
      const document = isXml(type) ? readXml(await readBytes(response.body)) : undefined;
      if (document?.root !== "api") {
        if (!document) await response.body.cancel();
        throw new OvirtError(
          `HTTP ${response.status} from GET ${exchange.url.href} is ${
            document ? `a <${document.root}> document` : `a ${type ?? "untyped"} body`
          }, not the API root document <api>: check that the connection URL is the API ` +
            `root, usually https://<engine host>/ovirt-engine/api`,
          { code: response.status },
        );
      }
      return document.value as ApiRoot;
    });
  }

  /** The path of the API root with a slash at its end, as the `href`s of its objects start. */
  get #apiPath(): string {
    return `${this.#apiUrl.pathname.replace(/\/+$/, "")}/`;
  }

  /**
   * Whether `value` points somewhere: an object (or list) carrying an `href`, which is then
   * typed a `string` (the primitive members of `value`'s type are left out).
   */
  isLink<V>(
    value: V,
  ): value is Exclude<V, string | number | boolean | bigint | symbol | null | undefined> & {
    href: string;
  } {
    return typeof value === "object" && value !== null &&
      typeof (value as Link).href === "string";
  }

  /** Fetches the list a list link points to, with `list()`. */
  followLink<T>(value: T[] & Link, options?: SignalOption): Promise<T[]>;
  /** Fetches the object a link points to, with `get()`. */
  followLink<T extends Link>(value: T, options?: SignalOption): Promise<T>;
  /**
   * Fetches what `value.href` points to: `list()` for an array, `get()` otherwise, with
   * `signal` if given.
   */
  async followLink(value: Link, options: SignalOption = {}): Promise<unknown> {
    this.#checkOpen();
    if (!this.isLink(value)) throw new OvirtError("Cannot follow a value without an href");
    const root = this.#apiPath;
    const href = value.href!.split("?")[0];
    if (!href.startsWith(root)) {
      throw new OvirtError(`Cannot follow "${href}": it is not below the API root "${root}"`);
    }
    const method = Array.isArray(value) ? "list" : "get";
    const service = this.service(href) as unknown as Record<string, unknown>;
    const call = service[method];
    if (typeof call !== "function") {
      throw new OvirtError(`Cannot follow "${href}": its service has no ${method}()`);
    }
    return await call.call(service, options.signal ? { signal: options.signal } : undefined);
  }

  /**
   * Sends one request to an image transfer URL (`transferUrl` or `proxyUrl` of an
   * `ImageTransfer`) with this connection's TLS settings, request cap and debug
   * log, but no SSO token: the URL's ticket authorizes it. The connection's `timeout` (or the
   * request's own) covers the request until its answer's headers arrive, `signal` the body as
   * well; read or cancel the body. The upload and download helpers are built on it.
   */
  async transferRequest(request: TransferRequest): Promise<TransferResponse> {
    this.#checkOpen();
    const url = checkUrl("transfer URL", String(request.url), true);
    const timeout = request.timeout === undefined
      ? this.#timeout
      : checkMilliseconds("transfer request's timeout", request.timeout);
    checkFunction("transfer request's onSend", request.onSend);
    return await withDeadline(timeout, request.signal, async (deadline) => {
      // The deadline lets go of the caller's signal once the headers are in: the body (a
      // range of up to 128 MiB) must still stop at the caller's abort.
      const { signal } = request;
      const response = await this.#http.send({
        method: request.method,
        url,
        headers: headerRecord(new Headers({ "User-Agent": USER_AGENT, ...request.headers })),
        body: request.body,
        signal: signal && deadline.signal !== signal
          ? AbortSignal.any([deadline.signal!, signal])
          : deadline.signal,
        transfer: true,
        onSend: request.onSend,
      });
      return { status: response.status, headers: response.headers, body: response.body };
    });
  }

  /**
   * Revokes the SSO token when `logout` is set and this connection obtained it, then
   * closes the connections. A read in flight (a get, a list) fails at once; a change already
   * sent finishes, and is not tried again; calls not sent yet and calls made afterwards reject.
   * A failed logout is only logged (with `debug`): the connection is closed either way.
   */
  close(logout = true): Promise<void> {
    this.#closing ??= this.#shutDown(logout);
    return this.#closing;
  }

  /** Closes the connection, logging out: `await using connection = new Connection(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(): void {
    if (this.#closing) throw new OvirtError("The connection is closed");
  }

  async #shutDown(logout: boolean): Promise<void> {
    // Calls waiting for a free connection are not sent any more, nor those whose connection is
    // still being made (a login among them, which the logout would wait for).
    this.#limiter.close(new OvirtError("The connection is closed"));
    this.#transport?.then((opened) => opened.cancelConnects?.(), () => {});
    try {
      if (logout) await this.#auth.logout(false, true);
    } catch (error) {
      this.#log?.note(`Logout failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      this.#closed = true;
      const transport = this.#transport;
      this.#transport = undefined;
      if (transport) await transport.then((opened) => opened.close(), () => {});
    }
  }

  async #createTransport(
    connections: number,
    connectTimeout: number | undefined,
  ): Promise<HttpTransport> {
    const { caFile, caCerts = [], insecure, proxy, listWorker = severalCpus() } = this.#options;
    const fromFile = caFile === undefined ? [] : [await readCaFile(caFile)];
    const chosen = [...fromFile, ...caCerts];
    const system = chosen.length === 0 && !insecure ? await systemCaBundle() : undefined;
    return createTransport({
      caCerts: system === undefined ? chosen : [system],
      insecure,
      connections,
      connectTimeout,
      proxy: proxy === undefined ? undefined : checkUrl("proxy", proxy),
      listWorker,
    });
  }
}

/** Whether this process may run on two CPUs or more (else a list worker only takes turns). */
function severalCpus(): boolean {
  return (globalThis.navigator?.hardwareConcurrency ?? 2) > 1;
}

/** The names of {@link ConnectionOptions}: the compiler keeps the two the same. */
const CONNECTION_OPTIONS = Object.keys(
  {
    url: true,
    username: true,
    password: true,
    token: true,
    kerberos: true,
    caFile: true,
    caCerts: true,
    insecure: true,
    timeout: true,
    headers: true,
    query: true,
    debug: true,
    log: true,
    ssoUrl: true,
    ssoRevokeUrl: true,
    connections: true,
    retry: true,
    correlationId: true,
    connectTimeout: true,
    proxy: true,
    listWorker: true,
  } satisfies Record<keyof ConnectionOptions, true>,
);

/**
 * `options`, copied, and the API URL parsed, once every option has the type and range it must
 * have (the url first); an {@link OvirtError} names the first that does not.
 */
function checkOptions(options: ConnectionOptions): [ConnectionOptions, URL] {
  if (typeof options !== "object" || options === null) {
    throw new OvirtError("A connection needs its options: at least url and credentials");
  }
  checkOptionKeys("a connection option", options, CONNECTION_OPTIONS);
  const apiUrl = checkUrl("url", options.url);
  for (const name of ["username", "password", "caFile", "ssoUrl", "ssoRevokeUrl"]) {
    checkString(name, options[name as keyof ConnectionOptions]);
  }
  checkToken("token", options.token);
  checkStrings("caCerts", options.caCerts);
  const caCerts = options.caCerts?.map((pem, index) =>
    checkedCertificates(`caCerts[${index}]`, pem)
  );
  checkBoolean("insecure", options.insecure);
  checkBoolean("listWorker", options.listWorker);
  checkBoolean("debug", options.debug);
  checkFunction("log", options.log);
  checkHeaders("headers", options.headers);
  checkQuery("query", options.query);
  if (options.proxy !== undefined) checkUrl("proxy", options.proxy);
  if (typeof options.correlationId !== "function") {
    checkCorrelationId("correlationId", options.correlationId);
  }
  checkCorrelationId(CORRELATION_HEADER, headerNamed(options.headers, "correlation-id"));
  checkBoolean("kerberos", options.kerberos);
  if (options.insecure && (options.caFile !== undefined || options.caCerts?.length)) {
    // A CA names whom to trust; insecure would trust anyone instead, without a word.
    throw new OvirtError(
      "The insecure option turns certificate checks off, so the CA given with caFile or " +
        "caCerts would not be used: give the CA, or insecure, not both",
    );
  }
  const hasPassword = options.username !== undefined && options.password !== undefined;
  if (!hasPassword && options.token === undefined && !options.kerberos) {
    throw new OvirtError("A connection needs a username and password, a token, or kerberos");
  }
  return [{ ...options, ...(caCerts ? { caCerts } : {}) }, apiUrl];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readCaFile(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await Deno.readTextFile(path);
  } catch (error) {
    throw new OvirtError(`Cannot read the CA file "${path}"`, { cause: error });
  }
  return checkedCertificates(`The CA file "${path}"`, pem);
}

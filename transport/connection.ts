/**
 * `Connection`: the entry point of the SDK. Holds the options, the transport, the SSO
 * token and the service tree, and frees them all on `close()`.
 *
 * @module
 */

import { SystemService } from "../services/system.ts";
import { ApiClient } from "./api_client.ts";
import { Authenticator, defaultSsoEndpoints } from "./auth.ts";
import { DebugLog } from "./debug_log.ts";
import { Deadline } from "./deadline.ts";
import { OvirtError } from "./errors.ts";
import { createTransport, type HttpTransport } from "./http.ts";
import { systemCaBundle } from "./system_cas.ts";
import { HttpClient } from "./http_client.ts";
import { Limiter } from "./limiter.ts";
import { responseError } from "./response_error.ts";
import { Runtime } from "./runtime.ts";
import type { Service } from "./service.ts";
import { USER_AGENT } from "./version.ts";

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
  /** Skip TLS certificate verification (for tests only); needs no Deno flags. */
  insecure?: boolean;
  /** Time limit of each call in milliseconds: login, request and reading the answer. */
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
   * turn in order. It also caps the connections kept open to the engine.
   */
  connections?: number;
}

/** The longest timeout timers support (about 24.8 days). */
const MAX_TIMEOUT = 2 ** 31 - 1;

/** A request to an image transfer URL, for {@link Connection.transferRequest}. */
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

/** A value that points somewhere in the API: anything with an `href`. */
export type Link = { href?: string };

/** A connection to one engine's API with one set of credentials. Sends nothing until used. */
export class Connection implements AsyncDisposable {
  readonly #apiUrl: URL;
  readonly #options: ConnectionOptions;
  readonly #auth: Authenticator;
  readonly #api: ApiClient;
  readonly #http: HttpClient;
  readonly #runtime: Runtime;
  readonly #log?: DebugLog;
  #transport?: Promise<HttpTransport>;
  #closing?: Promise<void>;

  /** Checks the options and prepares the connection; nothing is sent. */
  constructor(options: ConnectionOptions) {
    this.#options = { ...options };
    this.#apiUrl = parseUrl("url", options.url);
    const hasPassword = options.username !== undefined && options.password !== undefined;
    if (!hasPassword && options.token === undefined && !options.kerberos) {
      throw new OvirtError("A connection needs a username and password, a token, or kerberos");
    }
    const { timeout } = options;
    if (timeout !== undefined && !(timeout > 0 && timeout <= MAX_TIMEOUT)) {
      throw new RangeError(`The timeout must be a positive number of milliseconds, not ${timeout}`);
    }
    const defaults = defaultSsoEndpoints(this.#apiUrl, options.kerberos);
    const endpoints = {
      tokenUrl: options.ssoUrl ? parseUrl("ssoUrl", options.ssoUrl) : defaults.tokenUrl,
      revokeUrl: options.ssoRevokeUrl
        ? parseUrl("ssoRevokeUrl", options.ssoRevokeUrl)
        : defaults.revokeUrl,
    };
    const secrets = () => this.#auth.secrets();
    this.#log = options.debug ? new DebugLog(options.log ?? console.error, secrets) : undefined;
    const http = this.#http = new HttpClient({
      transport: () => this.#transport ??= this.#createTransport(),
      limiter: new Limiter(options.connections ?? DEFAULT_CONNECTIONS),
      log: this.#log,
      secrets,
    });
    this.#auth = new Authenticator(options, endpoints, http, options.timeout);
    this.#api = new ApiClient(
      this.#apiUrl,
      { headers: options.headers ?? {}, query: options.query ?? {} },
      this.#auth,
      http,
    );
    this.#runtime = new Runtime(this.#api, options.timeout, () => this.#checkOpen());
  }

  /** The root of the service tree. */
  systemService(): SystemService {
    return new SystemService(this.#runtime, "");
  }

  /**
   * The service at `path` relative to the API root (`"vms/123/nics"`), found by walking
   * the tree one segment at a time. Segments are URL path segments: `%xx` is decoded.
   */
  service(path: string): Service {
    let service: Service = this.systemService();
    for (const segment of path.split("/")) {
      if (segment !== "") service = service.locate(decodeSegment(segment));
    }
    return service;
  }

  /** Logs in (or reuses the current token) and resolves to the SSO token. */
  async authenticate(): Promise<string> {
    this.#checkOpen();
    const deadline = new Deadline(this.#options.timeout);
    try {
      return await this.#auth.token(deadline.signal);
    } catch (error) {
      throw deadline.translate(error);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Whether the server answers the API root with these credentials. With `raiseException`,
   * rejects with the reason instead of resolving to `false`.
   */
  async test(raiseException = false): Promise<boolean> {
    this.#checkOpen();
    const deadline = new Deadline(this.#options.timeout);
    try {
      const url = this.#api.url("");
      const response = await this.#api.send({ method: "GET", url, signal: deadline.signal });
      if (response.status < 200 || response.status > 299) {
        throw await responseError({ method: "GET", url }, response);
      }
      await response.body.cancel();
      return true;
    } catch (error) {
      if (raiseException) throw deadline.translate(error);
      return false;
    } finally {
      deadline.dispose();
    }
  }

  /** Whether `value` points somewhere: an object (or list) carrying an `href`. */
  isLink(value: unknown): value is Link {
    return typeof value === "object" && value !== null &&
      typeof (value as Link).href === "string";
  }

  /** Fetches the list a list link points to, with `list()`. */
  followLink<T>(value: T[] & Link): Promise<T[]>;
  /** Fetches the object a link points to, with `get()`. */
  followLink<T extends Link>(value: T): Promise<T>;
  /** Fetches what `value.href` points to: `list()` for an array, `get()` otherwise. */
  async followLink(value: Link): Promise<unknown> {
    this.#checkOpen();
    if (!this.isLink(value)) throw new OvirtError("Cannot follow a value without an href");
    const root = `${this.#apiUrl.pathname.replace(/\/+$/, "")}/`;
    const href = value.href!.split("?")[0];
    if (!href.startsWith(root)) {
      throw new OvirtError(`Cannot follow "${href}": it is not below the API root "${root}"`);
    }
    const method = Array.isArray(value) ? "list" : "get";
    const service = this.service(href.slice(root.length)) as unknown as Record<string, unknown>;
    const call = service[method];
    if (typeof call !== "function") {
      throw new OvirtError(`Cannot follow "${href}": its service has no ${method}()`);
    }
    return await call.call(service);
  }

  /**
   * Sends one request to an image transfer URL (`transferUrl` or `proxyUrl` of an
   * `ImageTransfer`) with this connection's TLS settings, request cap and debug
   * log, but no SSO token: the URL's ticket authorizes it. The connection's `timeout`
   * covers the request until its answer's headers arrive; read or cancel the body.
   * The upload and download helpers are built on it.
   */
  async transferRequest(request: TransferRequest): Promise<TransferResponse> {
    this.#checkOpen();
    const url = parseUrl("transfer URL", String(request.url));
    const deadline = new Deadline(this.#options.timeout, request.signal);
    try {
      const response = await this.#http.send({
        method: request.method,
        url,
        headers: new Headers({ "User-Agent": USER_AGENT, ...request.headers }),
        body: request.body,
        signal: deadline.signal,
        transfer: true,
      });
      return { status: response.status, headers: response.headers, body: response.body };
    } catch (error) {
      throw deadline.translate(error);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Revokes the SSO token when `logout` is set and this connection obtained it, then
   * closes the connections. Calls made afterwards reject. A failed logout is only logged
   * (with `debug`): the connection is closed either way.
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
    try {
      if (logout) await this.#auth.logout();
    } catch (error) {
      this.#log?.note(`Logout failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      const transport = this.#transport;
      this.#transport = undefined;
      if (transport) await transport.then((opened) => opened.close(), () => {});
    }
  }

  async #createTransport(): Promise<HttpTransport> {
    const { caFile, caCerts = [], insecure } = this.#options;
    const fromFile = caFile === undefined ? [] : [await readCaFile(caFile)];
    const chosen = [...fromFile, ...caCerts];
    const system = chosen.length === 0 && !insecure ? await systemCaBundle() : undefined;
    return createTransport({
      caCerts: system === undefined ? chosen : [system],
      insecure,
      connections: this.#options.connections ?? DEFAULT_CONNECTIONS,
    });
  }
}

function parseUrl(option: string, text: string): URL {
  try {
    return new URL(text);
  } catch (error) {
    throw new OvirtError(`The ${option} option is not a valid URL: "${text}"`, { cause: error });
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readCaFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new OvirtError(`Cannot read the CA file "${path}"`, { cause: error });
  }
}

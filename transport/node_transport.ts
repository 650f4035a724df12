/**
 * The transport for `insecure: true`: `node:https` with certificate verification off,
 * which Deno allows without command-line flags (its `fetch` does not). Plain `http:` URLs
 * go through `node:http`. Like `fetch`, it asks for compressed answers and inflates them,
 * and goes through the proxy of the options or of `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
 *
 * @module
 */

import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction, Socket } from "node:net";
import tls from "node:tls";
import { Buffer } from "node:buffer";
import {
  type HttpRequest,
  type HttpTransport,
  mayShareConnection,
  type TransportOptions,
  type TransportResponse,
} from "./http.ts";
import { OvirtError } from "./errors.ts";
import { IDLE_CONNECTION_LIMIT } from "./options.ts";
import { proxyFor } from "./proxy_env.ts";
import { bodyReader, emptyReader, fillingReader } from "./body.ts";

/** What a TLS connection trusts: no certificate check, or these CA certificates. */
interface Trust {
  readonly rejectUnauthorized: boolean;
  /** PEM CA certificates; empty with no check, which keeps Deno from loading the system's
   * roots (that would need `--allow-sys` for nothing). */
  readonly ca: string[];
}

/**
 * Sends requests with `node:https`: trusting any server certificate (`insecure`), or the
 * given CA certificates (the `fetch` transport's image uploads, which `node:https` sends
 * without copying their bodies). Idempotent requests share kept-alive connections; the others
 * get a connection of their own, since Node's client re-sends a request by itself when a
 * kept-alive connection turns out to be closed.
 */
export class NodeTransport implements HttpTransport {
  readonly #agents: Record<"pooled" | "singleUse", { tls: https.Agent; plain: http.Agent }>;
  readonly #trust: Trust;
  readonly #proxy?: URL;
  readonly #connectTimeout?: number;

  /**
   * Keeps up to `options.connections` idle connections alive; checks certificates against
   * `options.caCerts` unless `options.insecure`.
   */
  constructor(options: TransportOptions) {
    this.#proxy = options.proxy;
    this.#connectTimeout = options.connectTimeout;
    const trust = this.#trust = options.insecure
      ? { rejectUnauthorized: false, ca: [] }
      : { rejectUnauthorized: true, ca: [...options.caCerts ?? []] };
    // The connection's Limiter caps the requests in flight; a cap of the agent's own would
    // hold back what the limiter lets through past it (a slot lent by a streamed list).
    // `timeout` closes a kept-alive socket once it has been free that long; a socket in use
    // is only told (nothing here listens), so a slow answer is not cut short by it.
    const pooled = {
      keepAlive: true,
      maxFreeSockets: Math.min(options.connections, 256),
      timeout: IDLE_CONNECTION_LIMIT,
    };
    const singleUse = { keepAlive: false };
    this.#agents = {
      pooled: {
        tls: new https.Agent({ ...pooled, ...trust }),
        plain: new http.Agent(pooled),
      },
      singleUse: {
        tls: new https.Agent({ ...singleUse, ...trust }),
        plain: new http.Agent(singleUse),
      },
    };
  }

  /**
   * Sends `request`, through the proxy of the options or the environment if there is one;
   * aborting its signal destroys the request and the response body.
   */
  async send(request: HttpRequest): Promise<TransportResponse> {
    const { signal } = request;
    signal?.throwIfAborted();
    const headers: Record<string, string> = { ...request.headers };
    headers["accept-encoding"] ??= "gzip, deflate";
    const body = bodyBuffer(request.body);
    if (body) headers["content-length"] = String(body.byteLength);
    const { url } = request;
    const plain = url.protocol === "http:";
    const agents = this.#agents[mayShareConnection(request.method) ? "pooled" : "singleUse"];
    const proxy = proxyFor(url, this.#proxy);
    if (proxy !== undefined && !/^https?:$/.test(proxy.protocol)) {
      // A setting to change, not a failure to repeat.
      throw new OvirtError(
        `The proxy ${proxy.protocol}//${proxy.host} is not an HTTP proxy: insecure connections ` +
          "go through HTTP(S) proxies only (set NO_PROXY for the engine, or give an HTTP proxy)",
      );
    }
    const options: https.RequestOptions = { method: request.method, headers };
    let tunnelled: Socket | undefined;
    if (proxy === undefined) {
      options.agent = plain ? agents.plain : agents.tls;
    } else if (plain) {
      // A plain request goes to the proxy whole, its target as an absolute URL.
      Object.assign(options, {
        host: proxy.hostname,
        port: proxy.port || 80,
        path: url.href,
        agent: agents.plain,
      });
      Object.assign(headers, { host: url.host, ...proxyAuthorization(proxy) });
    } else {
      const socket = tunnelled = await tunnel(proxy, url, this.#connectTimeout, signal);
      headers.connection = "close";
      options.agent = false;
      Object.assign(options, this.#trust);
      options.createConnection = () =>
        tls.connect({ socket, ...this.#trust, servername: serverName(url) });
      // The tunnel reaches the host: its name is the proxy's to resolve, not this machine's.
      options.lookup = tunnelLookup;
    }
    const target = proxy !== undefined && plain ? undefined : url;
    return await new Promise((resolve, reject) => {
      const outgoing = target === undefined
        ? http.request(options)
        : (plain ? http : https).request(target, options);
      if (this.#connectTimeout !== undefined) {
        // The engine, or the proxy a plain request goes to (a tunnel was limited as it was made).
        limitConnecting(outgoing, this.#connectTimeout, target ?? proxy!);
      }
      const abort = () => abandon(outgoing, signal!.reason, reject);
      signal?.addEventListener("abort", abort, { once: true });
      // Errors after the answer arrived reach the body stream; the promise is settled by then.
      outgoing.on("error", (error) => {
        signal?.removeEventListener("abort", abort);
        tunnelled?.destroy(); // a request that failed leaves no tunnel open at the proxy
        reject(error);
      });
      // An answer switching protocols leaves HTTP: there is no body to read, only a status
      // for the runtime to refuse (node:http would otherwise never settle the request).
      outgoing.on("upgrade", (incoming: IncomingMessage, socket: Socket) => {
        signal?.removeEventListener("abort", abort);
        socket.destroy();
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? "",
          headers: toHeaders(incoming.headers),
          body: emptyReader(),
        });
      });
      outgoing.on("response", (incoming: IncomingMessage) => {
        signal?.removeEventListener("abort", abort);
        // A tunnel carries one request: it is closed with its answer.
        if (tunnelled) incoming.once("close", () => tunnelled!.destroy());
        const headers = toHeaders(incoming.headers);
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? "",
          headers,
          body: bodyReader(
            inflated(toStream(incoming, signal), headers),
            request.transfer ? fillingReader : undefined,
          ),
        });
      });
      outgoing.end(body);
    });
  }

  /**
   * Closes every idle kept-alive connection; the requests in flight finish, their connections
   * closed after them.
   */
  close(): void {
    for (const agents of Object.values(this.#agents)) {
      closeIdle(agents.tls);
      closeIdle(agents.plain);
    }
  }
}

/**
 * Destroys `request` for `reason` and rejects with `reason` on the next turn: Deno's node:http
 * now and then leaves a request that waits for its answer alive when it is destroyed, with no
 * "error" to follow (rejecting at once, within the abort, left a rejection unhandled there).
 */
function abandon(
  request: http.ClientRequest,
  reason: unknown,
  reject: (error: unknown) => void,
): void {
  request.destroy(reason as Error);
  ABANDONED.add(request);
  setTimeout(() => reject(reason), 0);
}

/** Requests given up on by {@link abandon}: their sockets go when the transport closes. */
const ABANDONED = new WeakSet<http.ClientRequest>();

/**
 * Closes the idle connections of `agent` and those of requests given up on, and each other
 * busy one when its request is over.
 */
function closeIdle(agent: http.Agent): void {
  Object.assign(agent, { keepAlive: false }); // not in its types, read by each request
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
  for (const sockets of Object.values(agent.sockets)) {
    for (const socket of sockets ?? []) {
      const request = (socket as { _httpMessage?: http.ClientRequest })._httpMessage;
      if (request !== undefined && ABANDONED.has(request)) socket.destroy();
    }
  }
}

/**
 * Destroys `outgoing` when its new socket is not connected to `peer` within `timeout` ms, TLS
 * handshake included for a TLS socket (a kept-alive socket is connected already).
 */
function limitConnecting(outgoing: http.ClientRequest, timeout: number, peer: URL): void {
  outgoing.once("socket", (socket: Socket) => {
    const secure = socket instanceof tls.TLSSocket;
    if (outgoing.reusedSocket || (!secure && !socket.connecting)) return;
    const port = peer.port || (peer.protocol === "https:" ? 443 : 80);
    const timer = setTimeout(() => {
      const stage = socket.connecting ? "connect timed out" : "the TLS handshake did not finish";
      outgoing.destroy(
        new Error(
          `no connection to ${peer.hostname}:${port} within ${timeout} ms (connectTimeout): ${stage}`,
        ),
      );
    }, timeout);
    socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  });
}

/**
 * A connection to `target` through `proxy` (an HTTP `CONNECT` tunnel), for a TLS session
 * with the target on top; the connection to the proxy has `connectTimeout` ms if given. Each
 * tunnel carries one request.
 */
function tunnel(
  proxy: URL,
  target: URL,
  connectTimeout: number | undefined,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const connect = (proxy.protocol === "https:" ? https : http).request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: `${target.hostname}:${target.port || 443}`,
      headers: { host: `${target.hostname}:${target.port || 443}`, ...proxyAuthorization(proxy) },
      // The tunnel's own TLS, to an https: proxy, is not the engine's: it is not checked.
      rejectUnauthorized: false,
      ca: [],
    });
    if (connectTimeout !== undefined) limitConnecting(connect, connectTimeout, proxy);
    const abort = () => abandon(connect, signal!.reason, reject);
    signal?.addEventListener("abort", abort, { once: true });
    connect.on("connect", (answer: IncomingMessage, socket: Socket) => {
      signal?.removeEventListener("abort", abort);
      if (answer.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`The proxy ${proxy.host} refused the tunnel: HTTP ${answer.statusCode}`));
    });
    connect.on("error", (error) => {
      signal?.removeEventListener("abort", abort);
      reject(error);
    });
    connect.end();
  });
}

/**
 * The name lookup of a request through a tunnel: none. `node:https` looks the host up even
 * when the connection is given, and a host that only the proxy can resolve would fail there.
 */
const tunnelLookup: LookupFunction = (_hostname, options, callback) => {
  const answer = { address: "0.0.0.0", family: 4 };
  // With `all`, the callback takes a list of addresses; its type knows only the other form.
  if (options?.all) (callback as (error: null, all: unknown[]) => void)(null, [answer]);
  else callback(null, answer.address, answer.family);
};

/** The `Proxy-Authorization` header for a proxy URL with a user name, else nothing. */
function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === "") return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { "proxy-authorization": `Basic ${btoa(credentials)}` };
}

/** The TLS server name of `url`: its host, unless that is an IP address (not allowed in SNI). */
function serverName(url: URL): string | undefined {
  const host = url.hostname;
  return /^[\d.]+$/.test(host) || host.startsWith("[") ? undefined : host;
}

/**
 * The body decompressed as its `Content-Encoding` says (`gzip` or `deflate`), which is then
 * removed from `headers` together with the length it no longer matches. A body of no bytes
 * stays empty: zero bytes are no compressed stream, whatever the header says.
 */
function inflated(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
): ReadableStream<Uint8Array> {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "deflate") return body;
  headers.delete("content-encoding");
  headers.delete("content-length");
  // Decompression starts with the first byte: a body that ends without one (sent chunked,
  // or until the connection closes) is empty, not a compressed stream cut short.
  const source = body.getReader();
  let inflater: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (inflater === undefined) {
        const first = await source.read();
        if (first.done) return controller.close();
        inflater = readerStartingWith(first.value, source).pipeThrough(
          new DecompressionStream(encoding) as unknown as TransformStream<Uint8Array, Uint8Array>,
        ).getReader();
      }
      const chunk = await inflater.read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => (inflater ?? source).cancel(reason),
  }, { highWaterMark: 0 });
}

/** The stream of `first`, then of what `rest` reads. */
function readerStartingWith(
  first: Uint8Array,
  rest: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        return controller.enqueue(first);
      }
      const chunk = await rest.read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => rest.cancel(reason),
  }, { highWaterMark: 0 });
}

/** The body as a `Buffer`: a view of the bytes, not a copy (image transfers send MiBs). */
function bodyBuffer(body: string | Uint8Array<ArrayBuffer> | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Node's header object as `Headers`. */
function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** A response body as a web stream that pauses the socket while nobody reads. */
function toStream(incoming: IncomingMessage, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let settled = false, abort = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", abort);
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      // The abort's reason is the failure, not what destroying the socket makes of it.
      abort = () => {
        settle(signal!.reason);
        incoming.destroy();
      };
      signal?.addEventListener("abort", abort, { once: true });
      incoming.on("data", (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.on("end", () => settle());
      incoming.on("error", (error) => settle(error));
      incoming.on("aborted", () => {
        settle(new Error("The connection was closed before the body was complete"));
      });
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      settled = true;
      signal?.removeEventListener("abort", abort);
      incoming.destroy();
    },
  });
}

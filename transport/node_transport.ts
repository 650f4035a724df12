/**
 * The transport for `insecure: true`: `node:https` with certificate verification off,
 * which Deno allows without command-line flags (its `fetch` does not). Plain `http:` URLs
 * go through `node:http`. Like `fetch`, it asks for compressed answers and inflates them.
 *
 * @module
 */

import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { Buffer } from "node:buffer";
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  mayShareConnection,
} from "./http.ts";
import type { TransportOptions } from "./transports.ts";

/**
 * Sends requests with `node:https`, trusting any server certificate. Idempotent requests
 * share kept-alive connections; the others get a connection of their own, since Node's
 * client re-sends a request by itself when a kept-alive connection turns out to be closed.
 */
export class NodeTransport implements HttpTransport {
  readonly #agents: Record<"pooled" | "singleUse", { tls: https.Agent; plain: http.Agent }>;

  /** Keeps up to `options.connections` connections alive. */
  constructor(options: TransportOptions) {
    const pooled = { keepAlive: true, maxSockets: options.connections };
    const singleUse = { keepAlive: false };
    this.#agents = {
      pooled: {
        tls: new https.Agent({ ...pooled, rejectUnauthorized: false }),
        plain: new http.Agent(pooled),
      },
      singleUse: {
        tls: new https.Agent({ ...singleUse, rejectUnauthorized: false }),
        plain: new http.Agent(singleUse),
      },
    };
  }

  /** Sends `request`; aborting its signal destroys the request and the response body. */
  send(request: HttpRequest): Promise<HttpResponse> {
    const { signal } = request;
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => headers[name] = value);
      headers["accept-encoding"] ??= "gzip, deflate";
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      if (body) headers["content-length"] = String(body.byteLength);
      const plain = request.url.protocol === "http:";
      const agents = this.#agents[mayShareConnection(request.method) ? "pooled" : "singleUse"];
      const outgoing = (plain ? http : https).request(request.url, {
        method: request.method,
        headers,
        agent: plain ? agents.plain : agents.tls,
      });
      const abort = () => outgoing.destroy(signal!.reason);
      signal?.addEventListener("abort", abort, { once: true });
      // Errors after the answer arrived reach the body stream; the promise is settled by then.
      outgoing.on("error", (error) => {
        signal?.removeEventListener("abort", abort);
        reject(error);
      });
      outgoing.on("response", (incoming: IncomingMessage) => {
        signal?.removeEventListener("abort", abort);
        const headers = toHeaders(incoming.headers);
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? "",
          headers,
          body: inflated(toStream(incoming, signal), headers),
        });
      });
      outgoing.end(body);
    });
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const agents of Object.values(this.#agents)) {
      agents.tls.destroy();
      agents.plain.destroy();
    }
  }
}

/**
 * The body decompressed as its `Content-Encoding` says (`gzip` or `deflate`), which is then
 * removed from `headers` together with the length it no longer matches.
 */
function inflated(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
): ReadableStream<Uint8Array> {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "deflate") return body;
  headers.delete("content-encoding");
  headers.delete("content-length");
  return body.pipeThrough(
    new DecompressionStream(encoding) as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
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
  const abort = () => incoming.destroy(signal!.reason);
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener("abort", abort, { once: true });
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", abort);
        if (error === undefined) controller.close();
        else controller.error(error);
      };
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

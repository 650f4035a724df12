/**
 * The transport for `insecure: true`: `node:https` with certificate verification off,
 * which Deno allows without command-line flags (its `fetch` does not). Plain `http:` URLs
 * go through `node:http`.
 *
 * @module
 */

import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { Buffer } from "node:buffer";
import type { HttpRequest, HttpResponse, HttpTransport } from "./http.ts";

/** Sends requests with `node:https`, trusting any server certificate. */
export class NodeTransport implements HttpTransport {
  readonly #tlsAgent: https.Agent;
  readonly #plainAgent: http.Agent;

  /** Keeps up to `connections` connections alive. */
  constructor(connections: number) {
    const options = { keepAlive: true, maxSockets: connections };
    this.#tlsAgent = new https.Agent({ ...options, rejectUnauthorized: false });
    this.#plainAgent = new http.Agent(options);
  }

  /** Sends `request`; aborting its signal destroys the request and the response body. */
  send(request: HttpRequest): Promise<HttpResponse> {
    const { signal } = request;
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => headers[name] = value);
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      if (body) headers["content-length"] = String(body.byteLength);
      const plain = request.url.protocol === "http:";
      const outgoing = (plain ? http : https).request(request.url, {
        method: request.method,
        headers,
        agent: plain ? this.#plainAgent : this.#tlsAgent,
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
        resolve({
          status: incoming.statusCode ?? 0,
          statusText: incoming.statusMessage ?? "",
          headers: toHeaders(incoming.headers),
          body: toStream(incoming, signal),
        });
      });
      outgoing.end(body);
    });
  }

  /** Closes every kept-alive connection. */
  close(): void {
    this.#tlsAgent.destroy();
    this.#plainAgent.destroy();
  }
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

/**
 * The transport: what moves one HTTP request and its answer, with two implementations
 * behind one interface: `fetch` (verified TLS) and `node:https` (for `insecure: true`).
 *
 * @module
 */

import { FetchTransport } from "./fetch_transport.ts";
import { NodeTransport } from "./node_transport.ts";

/** One HTTP request, ready to go. */
export interface HttpRequest {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** Absolute URL, query included. */
  readonly url: URL;
  /** Every header to send. */
  readonly headers: Headers;
  /** The body, if any: XML text, or bytes of an image transfer. */
  readonly body?: string | Uint8Array<ArrayBuffer>;
  /**
   * An image transfer request: its URL carries a ticket and its bodies are bytes, so the
   * debug log shows neither.
   */
  readonly transfer?: boolean;
  /** Aborts the request, including the reading of its body. */
  readonly signal?: AbortSignal;
}

/** The answer to an {@link HttpRequest}; the body must be read to the end or cancelled. */
export interface HttpResponse {
  /** HTTP status code. */
  readonly status: number;
  /** HTTP reason phrase (may be empty, e.g. over HTTP/2). */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as it arrives (an empty stream when there is none). */
  readonly body: ReadableStream<Uint8Array>;
}

/** Sends requests over connections it keeps alive between requests. */
export interface HttpTransport {
  /** Sends `request` and resolves once the status and headers have arrived. */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Closes the kept-alive connections; the transport must not be used afterwards. */
  close(): void;
}

/** How to build a transport. */
export interface TransportOptions {
  /** Trusted CA certificates (PEM); the default trust store when absent or empty. */
  readonly caCerts?: readonly string[];
  /** Skip TLS certificate verification. */
  readonly insecure?: boolean;
  /** Most connections to keep open at once. */
  readonly connections: number;
}

/**
 * The transport for these options: `node:https` without certificate checks when `insecure`
 * is set (Deno's `fetch` can only skip them with a command-line flag), `fetch` otherwise.
 */
export function createTransport(options: TransportOptions): HttpTransport {
  return options.insecure
    ? new NodeTransport(options.connections)
    : new FetchTransport(options.caCerts);
}

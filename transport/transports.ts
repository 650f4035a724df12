/**
 * Picks the transport for a connection's TLS options.
 *
 * @module
 */

import { FetchTransport } from "./fetch_transport.ts";
import type { HttpTransport } from "./http.ts";
import { NodeTransport } from "./node_transport.ts";

/** How to build a transport. */
export interface TransportOptions {
  /** Trusted CA certificates (PEM); the default trust store when absent or empty. */
  readonly caCerts?: readonly string[];
  /** Skip TLS certificate verification. */
  readonly insecure?: boolean;
  /** Most connections to keep open at once (`Infinity` for no limit). */
  readonly connections: number;
  /**
   * The HTTP(S) proxy to go through; without it, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
   * decide.
   */
  readonly proxy?: URL;
  /** Most milliseconds to wait for a connection to be made; `undefined` for no limit. */
  readonly connectTimeout?: number;
}

/**
 * The transport for these options: `node:https` without certificate checks when `insecure`
 * is set (Deno's `fetch` can only skip them with a command-line flag), `fetch` otherwise.
 */
export function createTransport(options: TransportOptions): HttpTransport {
  return options.insecure ? new NodeTransport(options) : new FetchTransport(options);
}

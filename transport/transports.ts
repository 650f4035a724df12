/**
 * Picks the transport for a connection's TLS options.
 *
 * @module
 */

import { FetchTransport } from "./fetch_transport.ts";
import type { HttpTransport, TransportOptions } from "./http.ts";
import { NodeTransport } from "./node_transport.ts";

/**
 * The transport for these options: `node:https` without certificate checks when `insecure`
 * is set (Deno's `fetch` can only skip them with a command-line flag), `fetch` otherwise.
 */
export function createTransport(options: TransportOptions): HttpTransport {
  return options.insecure ? new NodeTransport(options) : new FetchTransport(options);
}

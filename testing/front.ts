/**
 * The simulator's front door: a TCP (or TLS) listener that hands each client connection
 * to the HTTP server on an inner loopback port, byte for byte. It exists so that a fault
 * can close a client's connection without any answer, after the request was read, which
 * `Deno.serve` cannot do (it always writes a status line). The inner server sees each
 * client connection as one connection from the front, whose port names it for
 * {@link Front.drop}.
 *
 * @module
 */

/** Where the front listens and which server it passes connections to. */
export interface FrontOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Port of the inner HTTP server on 127.0.0.1. */
  readonly target: number;
  /** Serve TLS with this certificate and key (offering HTTP/2 and HTTP/1.1). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

interface Pair {
  readonly client: Deno.Conn;
  readonly inner: Deno.Conn;
  /** Aborted when the pair closes. */
  readonly closed: AbortController;
}

/** A running front. */
export class Front {
  /** The port clients connect to. */
  readonly port: number;
  readonly #listener: Deno.Listener;
  readonly #target: number;
  /** Client connections by the local port of their connection to the inner server. */
  readonly #pairs = new Map<number, Pair>();
  readonly #accepting: Promise<void>;

  /** Starts listening. */
  constructor(options: FrontOptions) {
    this.#listener = options.tls
      ? Deno.listenTls({
        hostname: "127.0.0.1",
        port: options.port,
        cert: options.tls.cert,
        key: options.tls.key,
        alpnProtocols: ["h2", "http/1.1"],
      })
      : Deno.listen({ hostname: "127.0.0.1", port: options.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#target = options.target;
    this.#accepting = this.#accept();
  }

  /**
   * Closes the client connection whose inner connection comes from `innerPort` (the
   * `remoteAddr.port` the inner server sees), with nothing more sent to the client.
   */
  drop(innerPort: number): void {
    const pair = this.#pairs.get(innerPort);
    if (!pair) return;
    this.#pairs.delete(innerPort);
    pair.closed.abort();
    close(pair.client);
    close(pair.inner);
  }

  /** Aborts when the client connection whose inner connection comes from `innerPort` closes. */
  signalOf(innerPort: number): AbortSignal {
    return this.#pairs.get(innerPort)?.closed.signal ?? AbortSignal.abort();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    close(this.#listener);
    for (const port of [...this.#pairs.keys()]) this.drop(port);
    await this.#accepting;
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) this.#pass(client);
    } catch {
      // The listener was closed.
    }
  }

  async #pass(client: Deno.Conn): Promise<void> {
    let inner: Deno.Conn;
    try {
      inner = await Deno.connect({ hostname: "127.0.0.1", port: this.#target });
    } catch {
      close(client);
      return;
    }
    const port = (inner.localAddr as Deno.NetAddr).port;
    this.#pairs.set(port, { client, inner, closed: new AbortController() });
    const done = () => this.drop(port);
    // A failure either way ends both; an end (EOF) passes on and ends the other way in turn.
    await Promise.all([
      client.readable.pipeTo(inner.writable).catch(done),
      inner.readable.pipeTo(client.writable).catch(done),
    ]);
    done();
  }
}

function close(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}

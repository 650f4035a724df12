/**
 * The connect timeout of the `fetch` transport. Deno's `fetch` has no time limit for
 * making a connection, so before the first request to an origin, and again after a request
 * to it failed, a plain TCP connection is made to it (and closed) within the limit: an
 * engine host that is down or unreachable then fails fast with a failure that says the
 * request never left, instead of using up the call's whole timeout.
 *
 * @module
 */

import { untilAborted } from "./abortable.ts";

/** Remembers which origins answered a probe, and probes the others. */
export class ConnectProbe {
  readonly #timeout: number;
  readonly #reached = new Map<string, Promise<void>>();

  /** Probes with a limit of `timeout` milliseconds. */
  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /**
   * Resolves once `url`'s host accepted a connection (now or earlier), else rejects. Callers
   * at the same time share one probe, which only its own limit ends; `signal` ends this
   * caller's wait, not the probe.
   */
  check(url: URL, signal?: AbortSignal): Promise<void> {
    let probe = this.#reached.get(url.origin);
    if (probe === undefined) {
      probe = connectWithin(url, this.#timeout);
      this.#reached.set(url.origin, probe);
      probe.catch(() => this.#reached.delete(url.origin));
    }
    return untilAborted(probe, signal);
  }

  /** Forgets that `url`'s origin was reached: the next request probes it again. */
  forget(url: URL): void {
    this.#reached.delete(url.origin);
  }
}

/**
 * Opens and closes a TCP connection to `url`'s host and port within `timeout` ms. At the limit
 * the connect itself is cancelled, so that it does not keep a finished script alive until the
 * system gives up on the host.
 */
async function connectWithin(url: URL, timeout: number): Promise<void> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), timeout);
  try {
    const connection = await Deno.connect({ hostname, port, signal: limit.signal });
    connection.close();
  } catch (error) {
    if (!limit.signal.aborted) throw error;
    throw new Error(
      `no connection to ${url.host} within ${timeout} ms (connectTimeout): connect timed out`,
    );
  } finally {
    clearTimeout(timer);
  }
}

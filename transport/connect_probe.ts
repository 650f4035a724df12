/**
 * The connect timeout of the `fetch` transport. Deno's `fetch` has no time limit for making a
 * connection, so a connection is made to the host (and closed) within the limit whenever a
 * request may need a new connection: before a request that always gets one (see `http.ts`),
 * before the first request to an origin, after a failure, and after the origin was quiet long
 * enough for its kept-alive connections to be closed. Unless the host finished a handshake
 * lately (a change to a busy origin), the probe of an `https:` origin includes a TLS handshake.
 * A read that has no answer after the limit anyway (it needed a new connection the probes did
 * not foresee) is watched: the host is asked for a connection then (no handshake: a host whose
 * workers are busy with this very read would not take one), and a host that no longer accepts
 * connections ends it. An engine host that is down or unreachable, or that accepts connections
 * but never finishes a TLS handshake (too busy to take them, or not a TLS server), then fails
 * fast, instead of using up the call's whole timeout or the system's connect timeout (about two
 * minutes).
 *
 * @module
 */

import { untilAborted } from "./abortable.ts";
import { IDLE_CONNECTION_LIMIT } from "./options.ts";

/** What is known of one origin. */
interface Origin {
  /** The probe under way, which callers at the same time share. */
  probe?: Promise<void>;
  /** When (`performance.now()`) a probe passed or an answer came last. */
  heard: number;
}

/** Probes origins with a time limit, and remembers which ones answered lately. */
export class ConnectProbe {
  readonly #timeout: number;
  readonly #caCerts?: readonly string[];
  readonly #origins = new Map<string, Origin>();
  readonly #running = new Set<AbortController>();

  /**
   * Probes with a limit of `timeout` milliseconds; TLS handshakes trust `caCerts` (PEM), else
   * the default trust store, as the requests do.
   */
  constructor(timeout: number, caCerts?: readonly string[]) {
    this.#timeout = timeout;
    this.#caCerts = caCerts?.length ? caCerts : undefined;
  }

  /**
   * Resolves once `url`'s host accepted a connection, else rejects; `undefined` (nothing to
   * wait for) when the origin answered less than {@link IDLE_CONNECTION_LIMIT} ago and the
   * request is not `fresh` (sure to open a new connection). Callers at the same time share one
   * probe, which only its own limit ends; `signal` ends this caller's wait, not the probe.
   */
  check(url: URL, signal?: AbortSignal, fresh = false): Promise<void> | undefined {
    const origin = this.#origins.get(url.origin);
    if (origin?.probe) return untilAborted(origin.probe, signal);
    const heardLately = origin !== undefined &&
      performance.now() - origin.heard < IDLE_CONNECTION_LIMIT;
    if (!fresh && heardLately) return;
    // A host that finished a handshake lately is only asked to take a connection: a change
    // pays one round trip, not two or three, for its probe.
    return untilAborted(this.#probe(url, !heardLately), signal);
  }

  /** Notes that `url`'s origin answered a request just now. */
  answered(url: URL): void {
    const origin = this.#origins.get(url.origin);
    if (origin) origin.heard = performance.now();
    else this.#origins.set(url.origin, { heard: performance.now() });
  }

  /** Forgets that `url`'s origin was reached: the next request probes it again. */
  forget(url: URL): void {
    const origin = this.#origins.get(url.origin);
    if (origin?.probe === undefined) this.#origins.delete(url.origin);
  }

  /**
   * A signal for a read of `url` (following `signal`) that aborts when the read has no answer
   * after the time limit and a probe then finds that the host accepts no connection: the read
   * waits for a connection that will not come, or its host went away (a host that is only
   * slow, or too busy to take a new connection, may cut a read that would have been answered:
   * a read is repeated, harmlessly; a change is never watched, for its answer may be on its
   * way). Call `done` once the answer came.
   */
  watch(url: URL, signal?: AbortSignal): { signal: AbortSignal; done(): void } {
    const watchdog = new AbortController();
    let answered = false;
    // A connection, without a handshake: a host whose workers are all busy (with this very
    // read, say) takes connections but does not handshake on them until one is free.
    const timer = setTimeout(() => {
      this.#connect(url, false).catch((error) => {
        if (!answered) watchdog.abort(error);
      });
    }, this.#timeout);
    return {
      signal: signal ? AbortSignal.any([signal, watchdog.signal]) : watchdog.signal,
      done() {
        answered = true;
        clearTimeout(timer);
      },
    };
  }

  /** Cancels the probes under way: they fail, and nothing of them keeps the process alive. */
  close(): void {
    for (const limit of this.#running) limit.abort();
  }

  /**
   * A new probe of `url`'s origin (a TLS `handshake` on its connection for `https:`), which
   * callers at the same time share.
   */
  #probe(url: URL, handshake: boolean): Promise<void> {
    const origin: Origin = this.#origins.get(url.origin) ?? { heard: -Infinity };
    this.#origins.set(url.origin, origin);
    const probe = origin.probe = this.#connect(url, handshake).then(() => {
      origin.heard = performance.now();
    }, (error) => {
      this.#origins.delete(url.origin);
      throw error;
    }).finally(() => origin.probe = undefined);
    probe.catch(() => {}); // a caller that gave up leaves nobody waiting
    return probe;
  }

  /** A connection to `url`'s host within the limit (see {@link connectWithin}). */
  async #connect(url: URL, handshake: boolean): Promise<void> {
    const limit = new AbortController();
    this.#running.add(limit);
    try {
      await connectWithin(url, this.#timeout, handshake ? this.#caCerts : false, limit);
    } finally {
      this.#running.delete(limit);
    }
  }
}

/**
 * Opens and closes a connection to `url`'s host and port within `timeout` ms: a TCP connection,
 * with a TLS handshake on it (trusting `caCerts`, else the default trust store) for an `https:`
 * URL unless `caCerts` is `false`. At the limit, or when `limit` aborts, the connect or the
 * handshake is cancelled, so that it does not keep a finished script alive until the system
 * gives up on the host. A handshake that fails (a certificate not trusted, a server that is no
 * TLS server) passes: the host answered, and the request then says what is wrong in its own
 * words.
 */
async function connectWithin(
  url: URL,
  timeout: number,
  caCerts: readonly string[] | undefined | false,
  limit: AbortController,
): Promise<void> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const timer = setTimeout(() => limit.abort(), timeout);
  const late = (what: string) =>
    new Error(
      `no connection to ${url.hostname}:${port} within ${timeout} ms (connectTimeout): ${what}`,
    );
  try {
    let connection: Deno.TcpConn;
    try {
      connection = await Deno.connect({ hostname, port, signal: limit.signal });
    } catch (error) {
      throw limit.signal.aborted ? late("connect timed out") : error;
    }
    if (url.protocol !== "https:" || caCerts === false) return connection.close();
    if (!await handshakeWithin(connection, hostname, caCerts, limit.signal)) {
      throw late("the TLS handshake did not finish");
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether a TLS handshake with `hostname` on `connection` ended (done, or failed) before
 * `limit` aborted; the connection is closed either way.
 */
async function handshakeWithin(
  connection: Deno.TcpConn,
  hostname: string,
  caCerts: readonly string[] | undefined,
  limit: AbortSignal,
): Promise<boolean> {
  const secured = await Deno.startTls(connection, {
    hostname,
    ...(caCerts ? { caCerts: [...caCerts] } : {}),
  });
  const cancel = () => secured.close();
  if (limit.aborted) cancel();
  else limit.addEventListener("abort", cancel, { once: true });
  try {
    await secured.handshake();
  } catch {
    // Cancelled at the limit, or refused: the request names the refusal.
  } finally {
    limit.removeEventListener("abort", cancel);
  }
  if (limit.aborted) return false;
  secured.close();
  return true;
}

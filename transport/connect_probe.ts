/**
 * The connect timeout of the `fetch` transport. Deno's `fetch` has no time limit for making a
 * connection, so a plain TCP connection is made to the host (and closed) within the limit
 * whenever a request may need a new connection: before a request that always gets one (see
 * `http.ts`), before the first request to an origin, after a failure, and after the origin
 * was quiet long enough for its kept-alive connections to be closed. A request that has no
 * answer after the limit anyway (it needed a new connection the probes did not foresee) is
 * watched: the host is probed then, and a host that no longer accepts connections ends it.
 * An engine host that is down or unreachable then fails fast, instead of using up the call's
 * whole timeout or the system's connect timeout (about two minutes).
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
  readonly #origins = new Map<string, Origin>();

  /** Probes with a limit of `timeout` milliseconds. */
  constructor(timeout: number) {
    this.#timeout = timeout;
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
    if (!fresh && origin && performance.now() - origin.heard < IDLE_CONNECTION_LIMIT) return;
    return untilAborted(this.#probe(url), signal);
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
    const timer = setTimeout(() => {
      this.#probe(url).catch((error) => {
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

  /** A new probe of `url`'s origin, or the one under way. */
  #probe(url: URL): Promise<void> {
    const known = this.#origins.get(url.origin);
    if (known?.probe) return known.probe;
    const origin: Origin = known ?? { heard: -Infinity };
    this.#origins.set(url.origin, origin);
    const probe = origin.probe = connectWithin(url, this.#timeout).then(() => {
      origin.heard = performance.now();
    }, (error) => {
      this.#origins.delete(url.origin);
      throw error;
    }).finally(() => origin.probe = undefined);
    probe.catch(() => {}); // a caller that gave up leaves nobody waiting
    return probe;
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

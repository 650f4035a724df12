/**
 * What a closing connection does to the reads still in flight: it ends them as soon as
 * `close()` starts, before the logout waits for the calls in flight to have their answers.
 * A read (a `GET`: a `get()`, a `list()`, a `listStream()`) is safe to cut off, and one whose
 * answer is slow or never comes would otherwise hold up `close()`, and keep the process
 * running; a change in flight (an add, an update, an action, a removal) is left to finish, as
 * one cut off midway would leave nobody knowing whether the engine applied it. The failure is
 * an {@link OvirtError}, not a `ConnectionError`: nothing went wrong with the network, and
 * nothing is to be tried again.
 *
 * @module
 */

import { OvirtError } from "./errors.ts";

/** What a list request still in flight fails with when its connection closes. */
export const CLOSED_IN_FLIGHT = "The connection was closed before the list answer was read";

/** What any other read still in flight fails with when its connection closes. */
export const CLOSED_BEFORE_ANSWER = "The connection was closed before the answer was read";

/** The reads of one connection, which its closing ends (see the module doc). */
export class ReadsInFlight {
  readonly #lists = new AbortController();
  readonly #others = new AbortController();

  /**
   * Ends the reads once `closing` aborts, with an {@link OvirtError} saying
   * {@link CLOSED_IN_FLIGHT} for a list, {@link CLOSED_BEFORE_ANSWER} for another read.
   */
  constructor(closing: AbortSignal) {
    const cut = () => {
      this.#lists.abort(new OvirtError(CLOSED_IN_FLIGHT));
      this.#others.abort(new OvirtError(CLOSED_BEFORE_ANSWER));
    };
    if (closing.aborted) cut();
    else closing.addEventListener("abort", cut, { once: true });
  }

  /**
   * The signal to send a request of `method` with, a list or not (`bulk`), whose own signal
   * is `own`: a read's also aborts when the connection closes (the closing's alone when it
   * has none of its own: what `fetch` takes at the least cost); a change's is `own`.
   */
  signal(
    method: string,
    bulk: boolean | undefined,
    own: AbortSignal | undefined,
  ): AbortSignal | undefined {
    if (method !== "GET") return own;
    const closing = (bulk ? this.#lists : this.#others).signal;
    return own === undefined ? closing : AbortSignal.any([own, closing]);
  }
}

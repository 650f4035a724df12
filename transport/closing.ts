/**
 * What a transport's `close()` does to the list answers still in flight: it ends them, on
 * every transport and whichever thread receives them. A list is a read, safe to cut off,
 * and may run for minutes (`listStream()` of a large inventory); any other call in flight
 * is left to finish, as an add or an action cut off midway would leave nobody knowing
 * whether the engine applied it. The failure is an {@link OvirtError}, not a
 * `ConnectionError`: nothing went wrong with the network, and nothing is to be tried again.
 *
 * @module
 */

import { OvirtError } from "./errors.ts";
import type { HttpRequest } from "./http.ts";

/** What a list request still in flight fails with when its connection closes. */
export const CLOSED_IN_FLIGHT = "The connection was closed before the list answer was read";

/** The list requests of one transport, which its `close()` ends (see the module doc). */
export class ListsInFlight {
  readonly #closing = new AbortController();

  /**
   * `request` as a transport sends it: a list (`bulk`) with a signal that also aborts when
   * {@link ListsInFlight.close} is called; any other request as it is.
   */
  watched(request: HttpRequest): HttpRequest {
    if (!request.bulk) return request;
    const closing = this.#closing.signal, own = request.signal;
    return { ...request, signal: own === undefined ? closing : AbortSignal.any([own, closing]) };
  }

  /**
   * Ends every list request that {@link ListsInFlight.watched} gave a signal, with an
   * {@link OvirtError} saying {@link CLOSED_IN_FLIGHT}.
   */
  close(): void {
    this.#closing.abort(new OvirtError(CLOSED_IN_FLIGHT));
  }
}

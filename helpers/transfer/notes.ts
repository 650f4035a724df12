/**
 * Notes added to the error of a transfer that ended badly: what it left behind (a transfer
 * not cancelled, a disk not removed) or kept (the result of a finalized transfer whose end
 * could not be learned), so that the user can look at it or remove it.
 *
 * @module
 */

import { ConnectionError, OvirtError, TimeoutError, withDetails } from "../../transport/errors.ts";

/**
 * `error` with `note` added to its message: a copy of the same class (status, fault and
 * cause kept), or, for anything that is not an {@link OvirtError} (an abort's reason), an
 * `OvirtError` with it as its `cause`.
 */
export function withNote(error: unknown, note: string): OvirtError {
  if (error instanceof OvirtError) return withDetails(error, note, {});
  const text = error instanceof Error ? error.message : String(error);
  return new OvirtError(`${text}${note}`, { cause: error });
}

/** Why a clean-up step failed, in a few words: `AuthError, HTTP 401`, `no answer in time`. */
export function briefly(error: unknown): string {
  if (error instanceof TimeoutError) return "no answer in the time left for cleaning up";
  if (error instanceof ConnectionError) return "the engine could not be reached";
  if (error instanceof OvirtError && error.code !== undefined) {
    return `${error.name}, HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Tells `callback` of `made` during an abort's clean-up: neither waited for nor able to
 * change how the call ends (what it throws, or its promise rejects with, is ignored).
 */
export function toldAnyway<T>(
  callback: ((made: T) => void | Promise<void>) | undefined,
  made: T,
): void {
  try {
    callback?.(made)?.catch(() => {});
  } catch {
    // The call rejects with the abort's reason all the same.
  }
}

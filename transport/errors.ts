/**
 * The errors every SDK call rejects with: {@link OvirtError} and its subclasses.
 *
 * @module
 */

/** The `<fault>` an engine answers with (the model's `types.Fault`). */
export interface ServerFault {
  /** Why the request failed, in short. */
  reason?: string;
  /** The engine's explanation. */
  detail?: string;
}

/** Options accepted by the error constructors. */
export interface OvirtErrorOptions {
  /** HTTP status code of the answer, when there was one. */
  code?: number;
  /** The `<fault>` the server sent, when it sent one. */
  fault?: ServerFault;
  /** The underlying error. */
  cause?: unknown;
  /** The `Correlation-Id` the call was sent with. */
  correlationId?: string;
  /** Why each attempt failed, oldest first, when the call was made more than once. */
  attempts?: readonly string[];
}

/** Base class of every error the SDK raises. */
export class OvirtError extends Error {
  /** HTTP status code of the answer, when there was one. */
  readonly code?: number;
  /** The `<fault>` the server sent, when it sent one. */
  readonly fault?: ServerFault;
  /** The `Correlation-Id` the call was sent with, to find its jobs and events. */
  readonly correlationId?: string;
  /** Why each attempt failed, oldest first, when the call was made more than once. */
  readonly attempts?: readonly string[];

  /** Creates an error with a message and, optionally, status code, fault and cause. */
  constructor(message: string, options: OvirtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.code !== undefined) this.code = options.code;
    if (options.fault !== undefined) this.fault = options.fault;
    if (options.correlationId !== undefined) this.correlationId = options.correlationId;
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

/** Authentication or authorization failed (HTTP 401/403, or an SSO error). */
export class AuthError extends OvirtError {}

/**
 * The engine refused a change that conflicts with the object's state (HTTP 409): it is
 * locked by another operation, or in a state that does not allow the change. Nothing was
 * applied, so the same request may be sent again later.
 */
export class ConflictError extends OvirtError {
  /** Whether the engine said the object is locked or another operation is in progress. */
  get locked(): boolean {
    const text = `${this.fault?.reason ?? ""} ${this.fault?.detail ?? ""}`;
    return LOCKED.test(text);
  }
}

/** How the engine words "busy, try again": a lock, or a related operation in progress. */
const LOCKED = /\blocked\b|in progress|try again later/i;

/** The object or path does not exist (HTTP 404). */
export class NotFoundError extends OvirtError {}

/** Options of a {@link ConnectionError}. */
export interface ConnectionErrorOptions extends OvirtErrorOptions {
  /** See {@link ConnectionError.maybeApplied}. */
  maybeApplied?: boolean;
}

/** The server could not be reached: refused, DNS, reset, TLS failure. */
export class ConnectionError extends OvirtError {
  /**
   * Whether the request was sent and its answer lost (the connection dropped after an add,
   * an update, a removal or an action went out, or its success was cut off): the engine may
   * have carried it out, so look for its result before sending it again. The message says so.
   */
  readonly maybeApplied: boolean;

  /** Creates the error; `maybeApplied` defaults to false. */
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.maybeApplied = options.maybeApplied === true;
  }
}

/** A deadline passed before the operation finished. */
export class TimeoutError extends OvirtError {}

/**
 * What a call whose own signal aborted with `reason` rejects with: a {@link TimeoutError} for
 * `AbortSignal.timeout()` (the caller's time limit), else an {@link OvirtError}; the reason is
 * its cause.
 */
export function abortedError(reason: unknown): OvirtError {
  if (reason instanceof TimeoutError) return reason; // a time limit of the SDK's own
  if (reason instanceof DOMException && reason.name === "TimeoutError") {
    return new TimeoutError("The request did not finish within its signal's time limit", {
      cause: reason,
    });
  }
  return new OvirtError("The request was aborted", { cause: reason });
}

/**
 * A copy of `error` (same class, status, fault and cause) with `suffix` added to its message
 * and the given details set: how errors gain the attempts and the correlation id of a call.
 */
export function withDetails(
  error: OvirtError,
  suffix: string,
  details: Pick<OvirtErrorOptions, "correlationId" | "attempts">,
): OvirtError {
  const Class = error.constructor as typeof ConnectionError;
  return new Class(`${error.message}${suffix}`, {
    code: error.code,
    fault: error.fault,
    cause: error.cause,
    correlationId: details.correlationId ?? error.correlationId,
    attempts: details.attempts ?? error.attempts,
    maybeApplied: error instanceof ConnectionError && error.maybeApplied,
  });
}

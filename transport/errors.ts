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
  /** See {@link OvirtError.maybeApplied}. */
  maybeApplied?: boolean;
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
  /**
   * Whether a change (an add, an update, a removal, an action) was sent and its outcome is
   * unknown: its connection dropped or its answer was cut off (a {@link ConnectionError}), a
   * proxy answered 502 or 504 in the engine's place (an attempt before the last one included),
   * an add was answered with a success and no body (the engine made it, but could not read it
   * back), or its time ran out or it was aborted after it went out (a {@link TimeoutError}, an
   * aborted call). The engine may have carried it out, so look for its result before sending
   * it again; the message says so. False for a request that never left, and for a read.
   */
  readonly maybeApplied: boolean;

  /**
   * The `name` of this class's errors. A class's own `name` changes when the code is minified,
   * so each SDK error class sets this; a subclass that does not is named after itself.
   */
  static readonly errorName: string = "OvirtError";

  /** Creates an error with a message and, optionally, status code, fault and cause. */
  constructor(message: string, options: OvirtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = Object.hasOwn(new.target, "errorName") ? new.target.errorName : new.target.name;
    if (options.code !== undefined) this.code = options.code;
    if (options.fault !== undefined) this.fault = options.fault;
    if (options.correlationId !== undefined) this.correlationId = options.correlationId;
    if (options.attempts !== undefined) this.attempts = options.attempts;
    this.maybeApplied = options.maybeApplied === true;
  }
}

/** Authentication or authorization failed (HTTP 401/403, or an SSO error). */
export class AuthError extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "AuthError";
}

/**
 * The engine refused a change that conflicts with the object's state (HTTP 409): it is
 * locked by another operation, or in a state that does not allow the change. Nothing was
 * applied, so the same request may be sent again later.
 */
export class ConflictError extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "ConflictError";

  /** Whether the engine said the object is locked or another operation is in progress. */
  get locked(): boolean {
    const text = `${this.fault?.reason ?? ""} ${this.fault?.detail ?? ""}`;
    return LOCKED.test(text);
  }
}

/** How the engine words "busy, try again": a lock, or a related operation in progress. */
const LOCKED = /\blocked\b|in progress|try again later/i;

/** The object or path does not exist (HTTP 404). */
export class NotFoundError extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "NotFoundError";
}

/** Options of a {@link ConnectionError}: those of every {@link OvirtError}. */
export type ConnectionErrorOptions = OvirtErrorOptions;

/**
 * The server could not be reached: refused, DNS, reset, TLS failure. Its `maybeApplied` is
 * true when the request was sent and its answer lost (the connection dropped after an add,
 * an update, a removal or an action went out, or its success was cut off).
 */
export class ConnectionError extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "ConnectionError";
}

/** A deadline passed before the operation finished. */
export class TimeoutError extends OvirtError {
  /** The `name` of these errors (see {@link OvirtError.errorName}). */
  static override readonly errorName: string = "TimeoutError";
}

/**
 * What a call whose own signal aborted with `reason` rejects with: a {@link TimeoutError} for
 * `AbortSignal.timeout()` (the caller's time limit), else an {@link OvirtError}; the reason is
 * its cause. `sent` says what became of the request: the message then says it, and a change
 * that went out without an answer is `maybeApplied`.
 */
export function abortedError(reason: unknown, sent: SendState = { stage: "queued" }): OvirtError {
  if (reason instanceof TimeoutError) return reason; // a time limit of the SDK's own
  const options = { cause: reason, maybeApplied: sent.stage === "change sent" };
  if (reason instanceof DOMException && reason.name === "TimeoutError") {
    return new TimeoutError(
      "The request did not finish within its signal's time limit" + sendNote(sent),
      options,
    );
  }
  return new OvirtError("The request was aborted" + sendNote(sent), options);
}

/**
 * What became of a call's request when it ended before its answer, as far as its latest
 * attempt goes: not sent yet, sent (a change, or a read) and not answered, answered with a
 * refusal (the engine did not carry it out), or failed before reaching the engine.
 */
export interface SendState {
  /** Where the latest attempt got to. */
  stage: "queued" | "change sent" | "read sent" | "refused" | "unreached";
  /**
   * What the request waited for before it was first sent (`"a free connection"`), or what
   * says it when the call ends (a login whose failed attempts it then names).
   */
  waitingFor?: string | (() => string);
}

/** The end of the message of a call that ended before its answer, by {@link SendState}. */
export function sendNote(sent: SendState): string {
  switch (sent.stage) {
    case "change sent":
      return ". It was sent, so the engine may have carried it out: look for its result " +
        "before sending it again";
    case "refused":
      return ": the engine refused it, so it was not carried out";
    case "unreached":
      return ": it did not reach the engine";
    case "queued":
      return sent.waitingFor === undefined
        ? ""
        : `: it was never sent (it waited for ${
          typeof sent.waitingFor === "string" ? sent.waitingFor : sent.waitingFor()
        })`;
    default:
      return "";
  }
}

/**
 * A copy of `error` (same class, status, fault and cause) with `suffix` added to its message
 * and the given details set: how errors gain the attempts and the correlation id of a call,
 * and a change's error the note that the engine may have carried it out (`maybeApplied`).
 */
export function withDetails(
  error: OvirtError,
  suffix: string,
  details: Pick<OvirtErrorOptions, "correlationId" | "attempts" | "maybeApplied">,
): OvirtError {
  const Class = error.constructor as typeof ConnectionError;
  return new Class(`${error.message}${suffix}`, {
    code: error.code,
    fault: error.fault,
    cause: error.cause,
    correlationId: details.correlationId ?? error.correlationId,
    attempts: details.attempts ?? error.attempts,
    maybeApplied: details.maybeApplied ?? error.maybeApplied,
  });
}

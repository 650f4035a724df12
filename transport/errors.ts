/**
 * The errors every SDK call rejects with: {@link OvirtError} and its subclasses.
 *
 * @module
 */

import type * as types from "../types/mod.ts";

/** Options accepted by the error constructors. */
export interface OvirtErrorOptions {
  /** HTTP status code of the answer, when there was one. */
  code?: number;
  /** The `<fault>` the server sent, when it sent one. */
  fault?: types.Fault;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every error the SDK raises. */
export class OvirtError extends Error {
  /** HTTP status code of the answer, when there was one. */
  readonly code?: number;
  /** The `<fault>` the server sent, when it sent one. */
  readonly fault?: types.Fault;

  /** Creates an error with a message and, optionally, status code, fault and cause. */
  constructor(message: string, options: OvirtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.code !== undefined) this.code = options.code;
    if (options.fault !== undefined) this.fault = options.fault;
  }
}

/** Authentication or authorization failed (HTTP 401/403, or an SSO error). */
export class AuthError extends OvirtError {}

/** The object or path does not exist (HTTP 404). */
export class NotFoundError extends OvirtError {}

/** The server could not be reached: refused, DNS, reset, TLS failure. */
export class ConnectionError extends OvirtError {}

/** A deadline passed before the operation finished. */
export class TimeoutError extends OvirtError {}

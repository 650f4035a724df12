/**
 * The one place that decides what is sent again: which failures, which methods, how long to
 * wait. The transports never repeat a request themselves (see `http.ts`).
 *
 * - A failure before the connection was made (refused, unknown host) is repeated for every
 *   method: the request never reached the engine.
 * - Any other network failure before the answer began, and the 502 and 504 a proxy sends
 *   while the engine is down, are repeated for idempotent methods only (GET, PUT, DELETE):
 *   an `add` or an action may have been applied.
 * - 503 ("unable to handle the request") is repeated for every method: the server did not
 *   take the request.
 * - With `whileLocked`, a 409 whose fault says the object is locked or an operation is in
 *   progress is repeated for every method: the engine refused it without applying it.
 * - A DELETE that answers 404 after an attempt that may have reached the engine is done.
 *
 * Waits grow exponentially with full jitter, honour `Retry-After`, and stay inside the
 * call's own deadline and signal. Nothing is tried again once the connection closes: a wait
 * under way ends then, with the reason of the closing ("The connection is closed").
 *
 * @module
 */

import { readBytes, streamOf } from "./body.ts";
import type { Deadline } from "./deadline.ts";
import type { DebugLog } from "./debug_log.ts";
import { AuthError, ConflictError, ConnectionError, OvirtError, withDetails } from "./errors.ts";
import { type HttpResponse, isIdempotent } from "./http.ts";
import { checkOptionKeys } from "./option_names.ts";
import { checkDelay, describeValue } from "./options.ts";
import { type Exchange, responseError } from "./response_error.ts";

/** Limits of one kind of repetition. */
export interface BackoffOptions {
  /** Most attempts in all, the first one included. */
  attempts?: number;
  /** Milliseconds before the first repetition; each later wait may be twice as long. */
  delay?: number;
  /** Longest wait between two attempts, in milliseconds. */
  maxDelay?: number;
}

/**
 * When a call is made again. The default repeats what is safe to repeat (4 attempts, waits
 * from 250 ms up to 10 s); `false` turns repetition off.
 */
export interface RetryOptions extends BackoffOptions {
  /**
   * Also wait and try again while the engine answers 409 because the object is locked or a
   * related operation is in progress: `true` for 10 attempts with waits from 1 s up to 15 s,
   * or limits of your own. Off by default.
   */
  whileLocked?: boolean | BackoffOptions;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Readonly<Required<BackoffOptions>> = Object.freeze({
  attempts: 4,
  delay: 250,
  maxDelay: 10_000,
});

/** The defaults of {@link RetryOptions.whileLocked} when it is `true`. */
export const DEFAULT_LOCK_WAIT: Readonly<Required<BackoffOptions>> = Object.freeze({
  attempts: 10,
  delay: 1_000,
  maxDelay: 15_000,
});

/** The names of {@link BackoffOptions}. */
const BACKOFF_OPTIONS = Object.keys(DEFAULT_RETRY);

/** The names of {@link RetryOptions}. */
const RETRY_OPTIONS = [...BACKOFF_OPTIONS, "whileLocked"];

/** A `Retry-After` longer than this ends the repetitions instead of being waited for. */
const MAX_RETRY_AFTER = 120_000;

/** Statuses a proxy or a starting engine answers with. */
const UNAVAILABLE = new Set([502, 503, 504]);

/** Checked limits: `false` means no repetition. */
export interface RetryPlan {
  readonly transient: Required<BackoffOptions> | false;
  readonly locked: Required<BackoffOptions> | false;
}

/** The plan of `options`, checked; `name` is the option's name for messages. */
export function retryPlan(name: string, options: RetryOptions | false | undefined): RetryPlan {
  if (options === false) return { transient: false, locked: false };
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new OvirtError(`The ${name} option must be false or an object of retry limits`);
  }
  const whileLocked = options?.whileLocked;
  if (
    whileLocked !== undefined && typeof whileLocked !== "boolean" &&
    (typeof whileLocked !== "object" || whileLocked === null)
  ) {
    throw new OvirtError(
      `The ${name}.whileLocked option must be true, false or an object of retry limits`,
    );
  }
  if (options !== undefined) checkOptionKeys(`a ${name} option`, options, RETRY_OPTIONS);
  if (typeof whileLocked === "object") {
    checkOptionKeys(`a ${name}.whileLocked option`, whileLocked, BACKOFF_OPTIONS);
  }
  return {
    transient: backoff(name, options ?? {}, DEFAULT_RETRY),
    locked: whileLocked === undefined || whileLocked === false
      ? false
      : backoff(`${name}.whileLocked`, whileLocked === true ? {} : whileLocked, DEFAULT_LOCK_WAIT),
  };
}

/** `options` over `base`: a call's retry options over the connection's. */
export function mergeRetry(
  base: RetryOptions | false | undefined,
  options: RetryOptions | false | undefined,
): RetryOptions | false | undefined {
  if (options === undefined) return base;
  if (options === false || base === false || base === undefined) return options;
  return { ...base, ...options };
}

function backoff(
  name: string,
  options: BackoffOptions,
  defaults: Required<BackoffOptions>,
): Required<BackoffOptions> {
  const { attempts = defaults.attempts } = options;
  if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 1) {
    throw new OvirtError(
      `The ${name}.attempts option must be a whole number from 1 up, not ${
        describeValue(attempts)
      }`,
    );
  }
  return {
    attempts,
    delay: checkDelay(`${name}.delay`, options.delay) ?? defaults.delay,
    maxDelay: checkDelay(`${name}.maxDelay`, options.maxDelay) ?? defaults.maxDelay,
  };
}

/** What one repetition loop works with. */
export interface RetryContext {
  /** The request, for messages and for the method's idempotency. */
  readonly exchange: Exchange;
  /** The limits. */
  readonly plan: RetryPlan;
  /** The call's deadline: waits end with it. */
  readonly deadline: Deadline;
  /**
   * Aborts when the connection closes, with the reason the call then fails with: a wait
   * ends with it, and no attempt starts after it.
   */
  readonly closing?: AbortSignal;
  /** Where each repetition is noted. */
  readonly log?: DebugLog;
}

/**
 * Makes attempts with `attempt` until one gives an answer that is not worth repeating, and
 * resolves to that answer (whose body the caller reads). Rejects with the last failure,
 * carrying the reasons of every attempt when there were several.
 */
export function withRetries(
  context: RetryContext,
  attempt: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  // The first answer, when final, is handed over without the loop's async function.
  let first: Promise<HttpResponse>;
  try {
    first = attempt();
  } catch (error) {
    first = Promise.reject(error);
  }
  const loop = () => repeatFrom(context, attempt, first);
  return first.then((response) => mayRepeat(context, response) ? loop() : response, loop);
}

/** Whether an answer's status may make it worth repeating (a 409 only when waiting for locks). */
function mayRepeat(context: RetryContext, response: HttpResponse): boolean {
  const { status } = response;
  return status === 409 ? context.plan.locked !== false : repeatableStatus(context, status);
}

/** Whether `status` is one a proxy or a starting engine answers, repeated for this method. */
function repeatableStatus(context: RetryContext, status: number): boolean {
  return status === 503 || (UNAVAILABLE.has(status) && isIdempotent(context.exchange.method));
}

/**
 * The loop of {@link withRetries}, from the `first` attempt on (already settled when the
 * loop starts).
 */
async function repeatFrom(
  context: RetryContext,
  attempt: () => Promise<HttpResponse>,
  first: Promise<HttpResponse>,
): Promise<HttpResponse> {
  const { exchange, plan, deadline, closing, log } = context;
  const idempotent = isIdempotent(exchange.method);
  const reasons: string[] = [];
  let mayHaveArrived = false;
  for (let transientTries = 0, lockedTries = 0, next = first;; next = attempt()) {
    let outcome: Repeatable;
    try {
      const response = await next;
      const judged = response.status === 409 && plan.locked !== false
        ? await judgeConflict(exchange, response)
        : judgeStatus(context, response);
      if (judged.kind === "final") {
        if (mayHaveArrived && isDeleteGone(exchange, judged.response)) {
          log?.note(`${exchange.method} ${exchange.url.href}: already gone, as asked`);
          await judged.response.body.cancel();
          return {
            ...judged.response,
            status: 204,
            statusText: "",
            body: streamOf(new Uint8Array()),
          };
        }
        return judged.response;
      }
      outcome = judged;
    } catch (error) {
      if (deadline.signal?.aborted) throw error;
      const judged = judgeFailure(error, idempotent);
      if (judged === undefined) {
        const reason = shortReason(describeCauses(error));
        throw withAttempts(sentAndLost(error, exchange.method, mayHaveArrived), [
          ...reasons,
          reason,
        ]);
      }
      outcome = judged;
    }
    mayHaveArrived ||= outcome.mayHaveArrived;
    reasons.push(outcome.reason);
    const limits = outcome.kind === "locked" ? plan.locked : plan.transient;
    const tries = outcome.kind === "locked" ? ++lockedTries : ++transientTries;
    const wait = limits === false || tries >= limits.attempts
      ? undefined
      : waitBefore(tries, limits, outcome.retryAfter);
    if (wait === undefined || wait > deadline.remaining()) {
      const error = sentAndLost(await outcome.error(), exchange.method, mayHaveArrived);
      throw withAttempts(error, reasons);
    }
    await outcome.discard();
    closing?.throwIfAborted();
    log?.note(
      `${exchange.method} ${exchange.url.href}: attempt ${reasons.length} failed ` +
        `(${outcome.reason}); trying again in ${Math.round(wait)} ms`,
    );
    try {
      await sleep(wait, [deadline.signal, closing]);
    } catch (stop) {
      // The call's time ran out, or its caller aborted, between two attempts: what they met
      // is part of why it failed (an engine answering 503 for as long as it ran).
      if (!deadline.signal?.aborted) throw stop;
      const ended = deadline.translate(stop);
      if (!(ended instanceof OvirtError)) throw ended;
      const count = `${reasons.length} attempt${reasons.length === 1 ? "" : "s"}`;
      throw withDetails(ended, ` (${count}: ${summarized(reasons)})`, { attempts: reasons });
    }
  }
}

/** What an answer is worth: the answer itself, or a repetition for a status it allows. */
function judgeStatus(context: RetryContext, response: HttpResponse): Outcome {
  const { status } = response;
  const { exchange } = context;
  if (!repeatableStatus(context, status)) return { kind: "final", response };
  return {
    kind: "transient",
    reason: `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}`,
    mayHaveArrived: status !== 503,
    retryAfter: retryAfter(response.headers.get("retry-after")),
    error: () => responseError(exchange, response),
    discard: () => response.body.cancel(),
  };
}

/** What a 409 is worth when locked objects are waited for: its fault says. */
async function judgeConflict(exchange: Exchange, response: HttpResponse): Promise<Outcome> {
  const bytes = await readBytes(response.body);
  const again = () => ({ ...response, body: streamOf(bytes) });
  const error = await responseError(exchange, again());
  if (!(error instanceof ConflictError) || !error.locked) {
    return { kind: "final", response: again() };
  }
  return {
    kind: "locked",
    reason: `HTTP 409, locked: ${error.fault?.detail ?? error.fault?.reason ?? "busy"}`,
    mayHaveArrived: false,
    retryAfter: retryAfter(response.headers.get("retry-after")),
    error: () => Promise.resolve(error),
    discard: () => Promise.resolve(),
  };
}

/** What became of one attempt: an answer to hand over, or a failure worth repeating. */
type Outcome = { readonly kind: "final"; readonly response: HttpResponse } | Repeatable;

/** A failed attempt worth repeating. */
interface Repeatable {
  readonly kind: "transient" | "locked";
  /** One line on why it failed. */
  readonly reason: string;
  /** Whether the engine may have acted on the request. */
  readonly mayHaveArrived: boolean;
  /** What the server asked to wait, in milliseconds. */
  readonly retryAfter?: number;
  /** The error to reject with if this is the last attempt. */
  readonly error: () => Promise<unknown>;
  /** Lets go of the answer before the next attempt. */
  readonly discard: () => Promise<void>;
}

/**
 * Whether a failure before any answer is worth repeating, and why it happened; `undefined`
 * when it is not.
 */
function judgeFailure(error: unknown, idempotent: boolean): Repeatable | undefined {
  const failed = { error: () => Promise.resolve(error), discard: () => Promise.resolve() };
  // A login refused by a starting engine or its proxy: logging in again changes nothing.
  if (error instanceof AuthError && error.code !== undefined && UNAVAILABLE.has(error.code)) {
    return { kind: "transient", reason: error.message, mayHaveArrived: false, ...failed };
  }
  if (!(error instanceof ConnectionError)) return undefined;
  const text = describeCauses(error);
  if (TLS_FAILURE.test(text)) return undefined;
  const unsent = NEVER_SENT.test(text);
  if (!unsent && !idempotent) return undefined;
  return {
    kind: "transient",
    reason: shortReason(error.message),
    mayHaveArrived: !unsent,
    ...failed,
  };
}

/**
 * `error` saying that the engine may have carried the request out, when it is the failure
 * of a change (an add, an update, a removal, an action) that was sent, by this attempt or
 * (`arrived`) an earlier one, and whose answer was lost: a caller who sends it again
 * unchecked may add the object twice.
 */
function sentAndLost(error: unknown, method: string, arrived: boolean): unknown {
  if (!(error instanceof ConnectionError) || method === "GET" || error.maybeApplied) return error;
  const text = describeCauses(error);
  if (!arrived && (NEVER_SENT.test(text) || TLS_FAILURE.test(text))) return error;
  return new ConnectionError(
    `${error.message}. The request was sent, so the engine may have carried it out: look for ` +
      "its result before sending it again",
    { cause: error.cause, correlationId: error.correlationId, maybeApplied: true },
  );
}

/** Failures that happen before a connection exists: the request cannot have been sent. */
const NEVER_SENT =
  /connection refused|no connection to \S+ within|ECONNREFUSED|tcp connect error|dns error|failed to lookup address|ENOTFOUND|EAI_AGAIN|name or service not known|no route to host|EHOSTUNREACH|ENETUNREACH|network is unreachable|Requests to port \d+ are blocked/i;

/**
 * Whether the failure `error` came before the request reached the server: no connection
 * (refused, no such host, no route), or a handshake refused.
 */
export function neverSent(error: unknown): boolean {
  if (!(error instanceof ConnectionError)) return false;
  const text = describeCauses(error);
  return NEVER_SENT.test(text) || TLS_FAILURE.test(text);
}

/**
 * Whether `error` is a failure that repeating cannot help: a certificate or handshake
 * refused, a permission missing.
 */
export function isLastingFailure(error: unknown): boolean {
  return TLS_FAILURE.test(describeCauses(error));
}

/**
 * Certificate, handshake and permission failures: repeating them cannot help. A handshake that
 * did not finish within `connectTimeout` (a host too busy to take the connection) is no refusal.
 */
const TLS_FAILURE =
  /certificate|invalid peer|UnknownIssuer|handshake(?! did not finish)|NotValidForName|NotCapable|Requires \w+ access/i;

function isDeleteGone(exchange: Exchange, response: HttpResponse): boolean {
  return exchange.method === "DELETE" && response.status === 404;
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date. */
export function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The wait before repetition number `tries` (1 for the first): full jitter over an
 * exponentially growing cap, at least what the server asked; `undefined` when the server
 * asked for more than {@link MAX_RETRY_AFTER}.
 */
function waitBefore(
  tries: number,
  limits: Required<BackoffOptions>,
  asked: number | undefined,
): number | undefined {
  if (asked !== undefined && asked > MAX_RETRY_AFTER) return undefined;
  const cap = Math.min(limits.maxDelay, limits.delay * 2 ** (tries - 1));
  const floor = Math.min(limits.delay / 2, cap); // maxDelay is a ceiling, even under delay
  const jittered = floor + Math.random() * (cap - floor);
  return Math.max(jittered, asked ?? 0);
}

/**
 * Resolves after `millis`, or rejects with the reason of the first of `signals` to abort
 * when one aborts first.
 */
function sleep(millis: number, signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  const watched = signals.filter((signal) => signal !== undefined);
  for (const signal of watched) signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const end = () => {
      clearTimeout(timer);
      for (const signal of watched) signal.removeEventListener("abort", abort);
    };
    const timer = setTimeout(() => {
      end();
      resolve();
    }, millis);
    const abort = function (this: AbortSignal) {
      end();
      reject(this.reason);
    };
    for (const signal of watched) signal.addEventListener("abort", abort, { once: true });
  });
}

/**
 * `error` with the reasons of every attempt added to its message and `attempts` (the same
 * class, status, fault and cause); unchanged after a single attempt or when it is not an
 * {@link OvirtError}.
 */
function withAttempts(error: unknown, attempts: readonly string[]): unknown {
  if (attempts.length < 2 || !(error instanceof OvirtError)) return error;
  // The message already says the last reason: when every attempt failed so, once is enough.
  const reasons = attempts.every((reason) => reason === attempts[0])
    ? ", each failing the same way"
    : `: ${summarized(attempts)}`;
  return withDetails(error, ` (${attempts.length} attempts${reasons})`, { attempts });
}

/**
 * The reasons of `attempts` for a message: a run of one reason is said once, with how many
 * times (`3 × HTTP 503 Service Unavailable; connection reset`).
 */
function summarized(attempts: readonly string[]): string {
  const parts: string[] = [];
  for (let first = 0, next = 1; first < attempts.length; first = next++) {
    while (next < attempts.length && attempts[next] === attempts[first]) next++;
    const times = next - first;
    parts.push(times === 1 ? attempts[first] : `${times} × ${attempts[first]}`);
  }
  return parts.join("; ");
}

function describeCauses(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 6; depth++) {
    parts.push(
      current instanceof Error ? `${current.message} ${errorCode(current)}` : String(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}

function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "";
}

function shortReason(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * The one place that decides what is sent again: which failures, which methods, how long to
 * wait. The transports never repeat a request themselves (see `http.ts`).
 *
 * - A failure before the connection was made (refused, unknown host) is repeated for every
 *   method: the request never reached the engine.
 * - Any other network failure before the answer began, and the 502 and 504 a proxy sends
 *   while the engine is down, are repeated for idempotent methods only (GET, PUT, DELETE):
 *   an `add` or an action may have been applied. A change that ends so is `maybeApplied`.
 * - 503 ("unable to handle the request") is repeated for every method: the server did not
 *   take the request.
 * - With `whileLocked`, a 409 whose fault says the object is locked or an operation is in
 *   progress is repeated for every method: the engine refused it without applying it.
 * - A DELETE that answers 404 after an attempt that may have reached the engine is done.
 * - A login the SSO answers 502, 503 or 504 is repeated by the connection's one shared login
 *   ({@link repeatLogin}), with the connection's limits: the calls waiting for it share its
 *   failure and do not repeat it, or a down SSO would get a login per waiting call.
 * - The error that ends a call made more than once names every attempt, whatever ended it.
 *
 * Waits grow exponentially with full jitter, honour `Retry-After`, and stay inside the
 * call's own deadline and signal. Nothing is tried again once the connection closes: a wait
 * under way ends then, with the reason of the closing ("The connection is closed").
 *
 * @module
 */

import { streamOf } from "./body.ts";
import type { Deadline } from "./deadline.ts";
import type { DebugLog } from "./debug_log.ts";
import {
  AuthError,
  ConflictError,
  ConnectionError,
  OvirtError,
  sendNote,
  withDetails,
} from "./errors.ts";
import { type HttpResponse, isIdempotent } from "./http.ts";
import { checkOptionKeys } from "./option_names.ts";
import { checkDelay, describeValue } from "./options.ts";
import { type Exchange, responseError } from "./response_error.ts";
import { serverText } from "./server_text.ts";

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
  return first.then((response) => needsJudging(context, response) ? loop() : response, loop);
}

/**
 * Whether an answer's status may make it worth repeating (a 409 only when waiting for locks),
 * or may be a lost answer, which its error must say.
 */
function needsJudging(context: RetryContext, response: HttpResponse): boolean {
  const { status } = response;
  return status === 409 ? context.plan.locked !== false : UNAVAILABLE.has(status);
}

/**
 * Whether `status` is a proxy's 502 or 504: the request may have reached the engine, whose
 * answer the proxy did not bring back.
 */
export function lostAnswer(status: number): boolean {
  return status === 502 || status === 504;
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
  const reasons: string[] = [];
  let mayHaveArrived = false;
  for (let transientTries = 0, lockedTries = 0, next = first;; next = attempt()) {
    let outcome = await judgeAttempt(context, next);
    if (outcome.kind === "final") {
      const { response } = outcome;
      if (response.status >= 200 && response.status <= 299) return response;
      if (mayHaveArrived && isDeleteGone(exchange, response)) {
        log?.note(`${exchange.method} ${exchange.url.href}: already gone, as asked`);
        await response.body.cancel();
        return { ...response, status: 204, statusText: "", body: streamOf(new Uint8Array()) };
      }
      outcome = refusal(exchange, response);
    }
    if (outcome.kind === "failed") {
      const error = sentAndLost(await outcome.error(), exchange.method, mayHaveArrived);
      throw withAttempts(error, [...reasons, outcome.reason]);
    }
    mayHaveArrived ||= outcome.mayHaveArrived;
    reasons.push(outcome.reason);
    const limits = outcome.kind === "locked" ? plan.locked : plan.transient;
    const tries = outcome.kind === "locked" ? ++lockedTries : ++transientTries;
    const another = limits !== false && tries < limits.attempts;
    const wait = another ? waitBefore(tries, limits, outcome.retryAfter) : undefined;
    if (wait === undefined || wait > deadline.remaining()) {
      const asked = another ? outcome.retryAfter : undefined;
      const error = askedToWait(await outcome.error(), asked, deadline.remaining());
      throw withAttempts(sentAndLost(error, exchange.method, mayHaveArrived), reasons);
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

/**
 * What one attempt is worth: its answer, a repetition, or the end of the call. A failure
 * after the call's own end is thrown as it is, for the deadline to translate.
 */
async function judgeAttempt(
  context: RetryContext,
  next: Promise<HttpResponse>,
): Promise<Outcome> {
  try {
    const response = await next;
    return response.status === 409 && context.plan.locked !== false
      ? await judgeConflict(context.exchange, response)
      : judgeStatus(context, response);
  } catch (error) {
    if (context.deadline.signal?.aborted) throw error;
    return judgeFailure(error, isIdempotent(context.exchange.method));
  }
}

/** What an answer is worth: the answer itself, or a repetition for a status it allows. */
function judgeStatus(context: RetryContext, response: HttpResponse): Outcome {
  const { status } = response;
  const { exchange } = context;
  if (!repeatableStatus(context, status)) return { kind: "final", response };
  return {
    kind: "transient",
    reason: statusReason(response),
    mayHaveArrived: status !== 503,
    retryAfter: retryAfter(response.headers.get("retry-after")),
    error: () => answerError(exchange, response),
    discard: () => response.body.cancel(),
  };
}

/**
 * What a 409 is worth when locked objects are waited for: its fault says. The fault is read
 * once, as any refusal's is, and kept for the error.
 */
async function judgeConflict(exchange: Exchange, response: HttpResponse): Promise<Outcome> {
  const error = await responseError(exchange, response);
  if (!(error instanceof ConflictError) || !error.locked) {
    return { kind: "failed", reason: statusReason(response), error: () => Promise.resolve(error) };
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

/** The end of a call by an answer that is not repeated, such as a 500 fault or a 404. */
function refusal(exchange: Exchange, response: HttpResponse): Failed {
  return {
    kind: "failed",
    reason: statusReason(response),
    error: () => answerError(exchange, response),
  };
}

/**
 * What became of one attempt: an answer to hand over (or to make the call's error of), the
 * end of the call, or a failure worth repeating.
 */
type Outcome = { readonly kind: "final"; readonly response: HttpResponse } | Failed | Repeatable;

/** A failed attempt that ends the call. */
interface Failed {
  readonly kind: "failed";
  /** One line on why it failed. */
  readonly reason: string;
  /** The error to reject with. */
  readonly error: () => Promise<unknown>;
}

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

/** How an answer is named among the attempts: `HTTP 503 Service Unavailable`. */
function statusReason(response: HttpResponse): string {
  const text = response.statusText ? ` ${serverText(response.statusText, 100)}` : "";
  return `HTTP ${response.status}${text}`;
}

/**
 * The error of an answer that ends the call. A proxy's 502 or 504 to a change (see
 * {@link lostAnswer}) is no refusal: the engine may have carried the change out, so the
 * error is `maybeApplied` and says so.
 */
async function answerError(exchange: Exchange, response: HttpResponse): Promise<OvirtError> {
  const error = await responseError(exchange, response);
  if (exchange.method === "GET" || !lostAnswer(response.status)) return error;
  const where = `${statusReason(response)} from ${exchange.method} ` +
    `${exchange.url.origin}${exchange.url.pathname}`;
  const message = error.fault === undefined
    ? `Answer lost (${where}): a proxy in front of the engine answered in its place`
    : error.message;
  return new OvirtError(message + sendNote({ stage: "change sent" }), {
    code: error.code,
    fault: error.fault,
    maybeApplied: true,
  });
}

/**
 * `error` saying that the server asked to wait `asked` ms before trying again, when that is
 * longer than the SDK waits or than the call has left (`remaining` ms): why no attempt
 * followed.
 */
function askedToWait(error: unknown, asked: number | undefined, remaining: number): unknown {
  if (asked === undefined || !(error instanceof OvirtError)) return error;
  if (asked <= MAX_RETRY_AFTER && asked <= remaining) return error;
  const seconds = Math.ceil(asked / 1000);
  const limit = asked > MAX_RETRY_AFTER
    ? `more than the ${MAX_RETRY_AFTER / 1000} s the SDK waits`
    : "more than the call had left";
  return withDetails(
    error,
    `; the server asked to wait ${seconds} s before trying again, ${limit}`,
    {},
  );
}

/**
 * What a failure before any answer is worth: a repetition, with why it happened, or the end
 * of the call.
 */
function judgeFailure(error: unknown, idempotent: boolean): Repeatable | Failed {
  const failed = { error: () => Promise.resolve(error), discard: () => Promise.resolve() };
  const text = describeCauses(error);
  const unsent = NEVER_SENT.test(text);
  if (
    !(error instanceof ConnectionError) || TLS_FAILURE.test(text) || (!unsent && !idempotent)
  ) {
    return { kind: "failed", reason: shortReason(text), error: failed.error };
  }
  return {
    kind: "transient",
    reason: shortReason(error.message),
    mayHaveArrived: !unsent,
    ...failed,
  };
}

/**
 * Whether `error` is a login refused by a starting engine or its proxy (502, 503, 504): the
 * SSO may answer a later one.
 */
function unavailableLogin(error: unknown): error is AuthError {
  return error instanceof AuthError && error.code !== undefined && UNAVAILABLE.has(error.code);
}

/**
 * The result of `login`, made again while it fails as {@link unavailableLogin} says, as
 * `limits` allow and with their backoff; a wait ends when `stop` aborts, with its reason.
 * Rejects with the last failure, naming every attempt when there were several. The
 * connection's one login for every call waiting: the calls do not repeat its failure. Each
 * failed attempt's reason is added to `reasons` as it fails, for a caller who stops waiting.
 */
export async function repeatLogin<T>(
  limits: Required<BackoffOptions> | false,
  login: () => Promise<T>,
  stop: AbortSignal,
  reasons: string[] = [],
): Promise<T> {
  for (let tries = 1;; tries++) {
    try {
      return await login();
    } catch (error) {
      const unavailable = unavailableLogin(error);
      reasons.push(unavailable ? error.message : shortReason(describeCauses(error)));
      const again = unavailable && limits !== false && tries < limits.attempts;
      if (!again) throw withAttempts(error, reasons);
      await sleep(waitBefore(tries, limits, undefined)!, [stop]);
    }
  }
}

/**
 * `error` saying that the engine may have carried the request out, when it is the failure
 * of a change (an add, an update, a removal, an action) that was sent, by this attempt or
 * (`arrived`) an earlier one, and whose answer was lost: a caller who sends it again
 * unchecked may add the object twice. A refusal of the last attempt does not undo an
 * earlier one that the engine may have carried out.
 */
function sentAndLost(error: unknown, method: string, arrived: boolean): unknown {
  if (!(error instanceof OvirtError) || method === "GET" || error.maybeApplied) return error;
  if (!(error instanceof ConnectionError)) {
    return arrived ? withDetails(error, EARLIER_SENT, { maybeApplied: true }) : error;
  }
  const text = describeCauses(error);
  if (!arrived && (NEVER_SENT.test(text) || TLS_FAILURE.test(text))) return error;
  return new ConnectionError(
    `${error.message}. The request was sent, so the engine may have carried it out: look for ` +
      "its result before sending it again",
    { cause: error.cause, correlationId: error.correlationId, maybeApplied: true },
  );
}

/** What the error of a change says when an attempt before the last one lost its answer. */
const EARLIER_SENT = ". An earlier attempt was sent and its answer lost, so the engine may " +
  "have carried it out: look for its result before sending it again";

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

/** The failed attempts whose reasons are `reasons`, for a message (`2 attempts failed: ...`). */
export function failedAttempts(reasons: readonly string[]): string {
  const count = `${reasons.length} attempt${reasons.length === 1 ? "" : "s"}`;
  return `${count} failed: ${summarized(reasons)}`;
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

/**
 * One line on a failure among the attempts, at most 160 characters, without the client's own
 * address (`from 127.0.0.1:40112`), which changes with each attempt: attempts that failed the
 * same way read the same.
 */
function shortReason(text: string): string {
  const line = text.replace(CLIENT_ADDRESS, " ");
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** The client's address in a `fetch` failure: `... sending request from 127.0.0.1:40112 for ...`. */
const CLIENT_ADDRESS = / from (?:\[[^\]]*\]|[\d.]+):\d+ (?=for )/;

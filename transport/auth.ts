/**
 * SSO authentication: the OAuth password grant or the Kerberos (`Negotiate`) grant, one
 * login shared by every request waiting for a token (tried again, as the connection's
 * `retry` says, while the SSO answers as a starting engine or its proxy does: the requests
 * do not repeat its failure), one new login after the server rejects a token, and the
 * logout.
 *
 * @module
 */

import { untilAborted } from "./abortable.ts";
import { readText } from "./body.ts";
import { withDeadline } from "./deadline.ts";
import { AuthError, OvirtError } from "./errors.ts";
import type { HttpResponse } from "./http.ts";
import type { HttpClient } from "./http_client.ts";
import { negotiateToken } from "./kerberos/negotiate.ts";
import { isSendableToken } from "./options.ts";
import { hideValue, redact } from "./redact.ts";
import { refusedAfterLogin, shownLocation, tokenSentWith } from "./response_error.ts";
import { type BackoffOptions, failedAttempts, repeatLogin } from "./retry.ts";
import { serverText } from "./server_text.ts";
import { USER_AGENT } from "./version.ts";

/** Who the connection is: a user name and password, a token, or both. */
export interface Credentials {
  /** User name with profile, e.g. `admin@internal`. */
  readonly username?: string;
  /** Password of `username`. */
  readonly password?: string;
  /** An SSO token obtained elsewhere; used as is and never revoked. */
  readonly token?: string;
  /** Log in with the user's Kerberos ticket (instead of the user name and password). */
  readonly kerberos?: boolean;
}

/** The OAuth grant of the SSO's `token-http-auth` endpoint (Kerberos through `Negotiate`). */
const HTTP_AUTH_GRANT = "urn:ovirt:params:oauth:grant-type:http";

/** Where the SSO lives. */
export interface SsoEndpoints {
  /** The token endpoint (`/ovirt-engine/sso/oauth/token`). */
  readonly tokenUrl: URL;
  /** The logout endpoint (`/ovirt-engine/services/sso-logout`). */
  readonly revokeUrl: URL;
}

/**
 * The SSO endpoints of the engine serving `apiUrl`, on the same scheme, host and port;
 * with `kerberos`, the token endpoint is the one that takes `Negotiate`.
 */
export function defaultSsoEndpoints(apiUrl: URL, kerberos = false): SsoEndpoints {
  const token = kerberos ? "token-http-auth" : "token";
  return {
    tokenUrl: new URL(`/ovirt-engine/sso/oauth/${token}`, apiUrl.origin),
    revokeUrl: new URL("/ovirt-engine/services/sso-logout", apiUrl.origin),
  };
}

/** How long logins take and how often they are tried. */
export interface LoginLimits {
  /** Most milliseconds of one SSO request; `undefined` for no limit. */
  readonly timeout?: number;
  /** How a login the SSO answers 502, 503 or 504 is tried again; `false`: it is not. */
  readonly retry: Required<BackoffOptions> | false;
  /** Aborts when the connection starts closing: a login is then not tried again. */
  readonly closing: AbortSignal;
}

/** A token and whether this connection obtained it (and so may revoke it). */
interface HeldToken {
  readonly value: string;
  /** Expiry in epoch milliseconds, as the SSO wrote it (it may exceed 2^53). */
  readonly exp?: string;
  readonly obtained: boolean;
  /** A revocation of it was asked for and failed: closing sends it again, even for one given. */
  readonly owed?: boolean;
}

/**
 * The longest a closing connection without a timeout waits for its logout, in ms: the
 * logout is a courtesy to the engine, and `close()` must end.
 */
export const CLOSING_LOGOUT_LIMIT = 10_000;

/** Holds a connection's SSO token: gets it, shares it, renews it, revokes it. */
export class Authenticator {
  readonly #credentials: Credentials;
  readonly #endpoints: SsoEndpoints;
  readonly #client: HttpClient;
  readonly #timeout?: number;
  readonly #retry: Required<BackoffOptions> | false;
  /** Aborts once the connection starts closing: a login waiting to be tried again gives up. */
  readonly #closing: AbortSignal;
  #held?: HeldToken;
  #login?: Promise<HeldToken>;
  /** The failed attempts of the login under way (or of the last one). */
  #loginFailures: readonly string[] = [];
  /** Requests sent with the token whose answer has not come yet. */
  #sending = 0;
  /** Aborts once the connection is closing: logins under way are given up, none start. */
  readonly #closed = new AbortController();
  /** Called when {@link Authenticator.#sending} comes down to 0, if someone waits for it. */
  #allAnswered?: () => void;
  /** Revocations of tokens the API refused and a new login replaced, not waited for by calls. */
  readonly #revoking = new Set<Promise<void>>();

  /** Logs in through `client`, within `limits`. */
  constructor(
    credentials: Credentials,
    endpoints: SsoEndpoints,
    client: HttpClient,
    limits: LoginLimits,
  ) {
    this.#credentials = credentials;
    this.#endpoints = endpoints;
    this.#client = client;
    this.#timeout = limits.timeout;
    this.#retry = limits.retry;
    this.#closing = limits.closing;
    if (credentials.token !== undefined) {
      this.#held = { value: credentials.token, obtained: false };
    }
  }

  /** Whether a Kerberos ticket, or a user name and password, allow logging in. */
  get canLogIn(): boolean {
    const { username, password, kerberos } = this.#credentials;
    return kerberos === true || (username !== undefined && password !== undefined);
  }

  /**
   * The current token, logging in first if there is none (or it expired). Concurrent
   * callers share one login; `signal` only stops this caller's wait.
   */
  async token(signal?: AbortSignal): Promise<string> {
    const usable = this.#usableToken();
    if (usable !== undefined) return usable;
    this.#closed.signal.throwIfAborted();
    return (await untilAborted(this.#sharedLogin(), signal)).value;
  }

  /**
   * The token held, unless there is none or it expired (and a new one can be had): what a
   * request sends once it has its slot.
   */
  heldToken(): string | undefined {
    return this.#usableToken();
  }

  /**
   * Sends a request with the token, by calling `attempt`. If the server answers 401 and a
   * user name and password are known, logs in again (one login shared by every request
   * the server rejected with the same token) and calls `attempt` once more; that second
   * answer is returned whatever it is (a 401 again is noted as refused after a login the SSO
   * accepted, see {@link refusedAfterLogin}). The refused token, when this connection
   * obtained it, is revoked meanwhile (best effort, not waited for): the engine counts it
   * among the user's sessions until it is.
   */
  authorize(
    attempt: (token: string) => Promise<HttpResponse>,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const token = this.#usableToken();
    if (token === undefined) {
      return this.token(signal).then((fresh) => this.#sendWith(fresh, attempt, signal));
    }
    return this.#sendWith(token, attempt, signal);
  }

  /**
   * Revokes the token if this connection obtained it, or whoever did with `revokeGiven`; a
   * supplied token is otherwise left alone. The token counts as revoked only when the SSO
   * answers as the engine's does (JSON, `{}`); an SSO error, or any other answer (an HTML
   * page, no body: not the SSO's), rejects with an {@link AuthError}. The revocation is sent
   * past the connection's cap (calls in flight, or a list being read, may hold every slot).
   *
   * The token is held until it is revoked: calls made meanwhile use it (it is valid until
   * then), and when the revocation fails it is kept, so that calls go on with it and a later
   * `logout` (closing too, even for a supplied token) sends the revocation again. Once
   * revoked, it is forgotten: the next call logs in again (or fails without credentials).
   *
   * With `closing` (the connection is being closed): a login under way is waited for, then,
   * when there is a token to revoke, the requests sent with it until they have their answers
   * (the engine has checked it then), each wait at most the connection's timeout, or
   * {@link CLOSING_LOGOUT_LIMIT} without one; a login still under way is then given up (its
   * callers reject with "The connection is closed"), and no login starts any more. Then the
   * token's revocation and those of refused tokens under way are waited for together, within
   * one such limit.
   */
  async logout(revokeGiven = false, closing = false): Promise<void> {
    const limit = closing ? this.#timeout ?? CLOSING_LOGOUT_LIMIT : undefined;
    const within = (work: Promise<unknown>) =>
      withDeadline(limit, undefined, (deadline) => untilAborted(work, deadline.signal)).catch(
        (error) => {
          if (!closing) throw error; // closing: go on, what is left has had its time
        },
      );
    await within(this.#login?.catch(() => {}) ?? Promise.resolve());
    const revokes = (held?: HeldToken): held is HeldToken =>
      held !== undefined && (held.obtained || held.owed === true || revokeGiven);
    if (closing) {
      await within(revokes(this.#held) ? this.#answered() : Promise.resolve());
      this.#closed.abort(new OvirtError("The connection is closed"));
    }
    // Those of refused tokens, which a closing connection waits for alongside its own.
    const revoking = within(Promise.all(closing ? this.#revoking : []));
    const held = this.#held;
    if (!revokes(held)) {
      this.#held = undefined;
      await revoking;
      return;
    }
    try {
      await Promise.all([this.#revoke(held, { limit, pastCap: true }), revoking]);
    } catch (error) {
      // Still valid: kept for the calls, and owed a revocation.
      if (this.#held === held && !held.owed) this.#held = { ...held, owed: true };
      throw error;
    }
    if (this.#held === held || this.#held?.value === held.value) this.#held = undefined;
  }

  /** When the held token expires, as the SSO said at login; `undefined` when unknown. */
  get expiry(): Date | undefined {
    const exp = this.#held?.exp;
    if (exp === undefined || !/^\d+$/.test(exp)) return undefined;
    const millis = Number(exp);
    return millis <= 8.64e15 ? new Date(millis) : undefined;
  }

  /**
   * The answer of `attempt` with `token`, or of a second attempt with a new token when the
   * server rejects this one. Not an async function: one per call costs about twice the
   * garbage of a promise reaction.
   */
  #sendWith(
    token: string,
    attempt: (token: string) => Promise<HttpResponse>,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    this.#sending++;
    return attempt(token).then((response) => {
      this.#sent();
      return response.status === 401 && this.canLogIn
        ? this.#sendAgain(response, tokenSentWith(response) ?? token, attempt, signal)
        : response;
    }, (error) => {
      this.#sent();
      throw error;
    });
  }

  /** Notes that a request sent with the token has its answer (or failed). */
  #sent(): void {
    if (--this.#sending === 0) this.#allAnswered?.();
  }

  /** Resolves once every request sent with the token has its answer's head, or failed. */
  #answered(): Promise<void> {
    if (this.#sending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.#allAnswered;
      this.#allAnswered = () => {
        this.#allAnswered = undefined;
        before?.();
        resolve();
      };
    });
  }

  /** Lets go of the `rejected` answer and makes the attempt again with a new token. */
  async #sendAgain(
    rejected: HttpResponse,
    token: string,
    attempt: (token: string) => Promise<HttpResponse>,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    // Renewed before the answer lets go of its slot: a request waiting for that slot must
    // not take the refused token.
    const renewal = this.#renew(token, signal);
    renewal.catch(() => {}); // awaited below, after the body: never an unhandled rejection
    await rejected.body.cancel();
    const fresh = await renewal;
    this.#sending++;
    try {
      const answer = await attempt(fresh);
      if (answer.status === 401) {
        const { kerberos } = this.#credentials;
        refusedAfterLogin(answer, kerberos ? "the Kerberos ticket" : "the user name and password");
      }
      return answer;
    } finally {
      this.#sent();
    }
  }

  /** The held token, unless there is none or it expired (and a new one can be had). */
  #usableToken(): string | undefined {
    const held = this.#held;
    return held && !(this.canLogIn && expired(held)) ? held.value : undefined;
  }

  /**
   * A new token replacing `stale`, unless another request already replaced it; `stale` is
   * revoked when this connection obtained it.
   */
  #renew(stale: string, signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    const refused = held?.value === stale && held.obtained ? held : undefined;
    if (held?.value === stale) this.#held = undefined;
    const fresh = this.token(signal);
    // Revoked once the new login is done: the login must not wait behind it for a connection.
    if (refused) {
      const revoke = () => this.#revokeRefused(refused);
      fresh.then(revoke, revoke);
    }
    return fresh;
  }

  /**
   * Revokes `held`, a token the API refused, without anyone waiting for it but a closing
   * connection: the engine may still count it as one of the user's sessions. Failures are
   * let go (the engine may already have ended it). It takes at most the connection's timeout
   * or {@link CLOSING_LOGOUT_LIMIT}, the shorter (a script done without `close()` must end),
   * and goes on when the connection closes, which waits for it.
   */
  #revokeRefused(held: HeldToken): void {
    const limit = Math.min(this.#timeout ?? CLOSING_LOGOUT_LIMIT, CLOSING_LOGOUT_LIMIT);
    // Past the connections' cap: a courtesy must not hold a connection a call waits for.
    const revocation: Promise<void> = this.#revoke(held, {
      limit,
      outlivesClose: true,
      pastCap: true,
    })
      .catch(() => {})
      .finally(() => this.#revoking.delete(revocation));
    this.#revoking.add(revocation);
  }

  /**
   * Revokes `held` at the SSO; rejects with an {@link AuthError} unless the SSO answered
   * as it does when it has revoked a token: a JSON object without an error, with a 2xx.
   */
  async #revoke(held: HeldToken, how: SsoSending = {}): Promise<void> {
    const answer = await this.#postForm(this.#endpoints.revokeUrl, {
      scope: "ovirt-app-api",
      token: held.value,
    }, how);
    const failure = ssoFailure(answer.json);
    const revoked = answer.status >= 200 && answer.status <= 299 && objectOf(answer.json);
    if (failure || !revoked) {
      throw new AuthError(this.#describe("SSO logout", answer, failure), {
        code: answer.status,
      });
    }
  }

  /**
   * The login in progress (between two of its attempts too), or a new one: one at a time,
   * its failure shared by every caller that waited for it.
   */
  #sharedLogin(): Promise<HeldToken> {
    if (this.#login === undefined) {
      const reasons: string[] = [];
      this.#loginFailures = reasons;
      this.#login = repeatLogin(this.#retry, () => this.#logIn(), this.#closing, reasons)
        .finally(() => this.#login = undefined);
    }
    return this.#login;
  }

  /**
   * What the login under way has met so far (its failed attempts, while it waits to try
   * again), or `"the login"`: what a call that stops waiting for it says it waited for.
   */
  readonly loginWaited = (): string =>
    this.#login !== undefined && this.#loginFailures.length > 0
      ? `the login, of which ${failedAttempts(this.#loginFailures)}`
      : "the login";

  async #logIn(): Promise<HeldToken> {
    const answer = this.#credentials.kerberos
      ? await this.#negotiate()
      : await this.#logInWithPassword();
    const failure = ssoFailure(answer.json);
    const token = tokenOf(answer.json);
    if (failure || answer.status !== 200 || token === undefined) {
      throw new AuthError(this.#describe("SSO login", answer, failure), {
        code: answer.status,
      });
    }
    // An expiry already past at login is not epoch milliseconds: ignore it rather than log
    // in again before every request.
    const exp = token.exp !== undefined && isPast(token.exp) ? undefined : token.exp;
    this.#held = { value: token.value, exp, obtained: true };
    return this.#held;
  }

  /** The password grant: a form with the user name and password. */
  #logInWithPassword(): Promise<SsoAnswer> {
    const { username, password } = this.#credentials;
    if (username === undefined || password === undefined) {
      throw new AuthError(
        "No SSO token: set a token, a user name and password, or kerberos to log in",
      );
    }
    const form = { grant_type: "password", scope: "ovirt-app-api", username, password };
    // An SSO may repeat the password in its error: the debug log hides it there too.
    return this.#postForm(this.#endpoints.tokenUrl, form, password ? { secrets: [password] } : {});
  }

  /**
   * The Kerberos login: a GET with the grant in the query and a SPNEGO token for the
   * token endpoint's host in `Authorization: Negotiate`.
   */
  #negotiate(): Promise<SsoAnswer> {
    const url = new URL(this.#endpoints.tokenUrl);
    url.searchParams.set("grant_type", HTTP_AUTH_GRANT);
    url.searchParams.set("scope", "ovirt-app-api");
    return this.#askSso(url, async () => {
      const token = await negotiateToken(url.hostname);
      // The token holds the service ticket: hidden like the password should the SSO repeat it.
      return {
        method: "GET",
        headers: { "authorization": `Negotiate ${token}` },
        secrets: [token],
      };
    });
  }

  /** Posts a form to the SSO and reads its JSON answer. */
  #postForm(url: URL, form: Record<string, string>, how: SsoSending = {}): Promise<SsoAnswer> {
    return this.#askSso(url, () =>
      Promise.resolve({
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      }), how);
  }

  /**
   * Sends the request `prepare` makes (within the login's time limit) to the SSO and reads
   * its JSON answer (`undefined` if it is not JSON).
   */
  async #askSso(
    url: URL,
    prepare: () => Promise<SsoRequest>,
    how: SsoSending = {},
  ): Promise<SsoAnswer> {
    return await withDeadline(how.limit ?? this.#timeout, undefined, async (deadline) => {
      // A login stops when the connection closes; a revocation goes on (within its limit).
      const closed = this.#closed.signal;
      const signal = how.pastCap || how.outlivesClose
        ? deadline.signal
        : deadline.signal
        ? AbortSignal.any([deadline.signal, closed])
        : closed;
      const { method, headers, body, secrets: sent = [] } = await untilAborted(prepare(), signal);
      const secrets = [...(how.secrets ?? []), ...sent];
      const response = await this.#client.send({
        method,
        url,
        headers: { "accept": "application/json", "user-agent": USER_AGENT, ...headers },
        body,
        signal,
        pastCap: how.pastCap,
        secrets,
      });
      const text = await readText(response.body);
      const { status, headers: answered } = response;
      return {
        status,
        empty: text === "",
        json: parseJson(text),
        type: answered.get("content-type") ?? undefined,
        location: answered.get("location") ?? undefined,
        secrets,
      };
    }, `The SSO request to ${url.href}`);
  }

  #describe(what: "SSO login" | "SSO logout", answer: SsoAnswer, failure?: SsoFailure): string {
    const url = what === "SSO login" ? this.#endpoints.tokenUrl : this.#endpoints.revokeUrl;
    const { status } = answer;
    const reason = failure
      ? `${this.#quoted(failure.description, answer.secrets)} (${
        this.#quoted(failure.code, answer.secrets)
      })`
      : status === 401 && this.#credentials.kerberos
      ? "the engine did not accept the Kerberos ticket (HTTP status 401); is its SSO set up " +
        `for Kerberos, with the service principal HTTP/${url.hostname} in its keytab? If the ` +
        "engine's key changed, your credential cache still holds a service ticket for the " +
        "old one: run kinit again (or kdestroy, then kinit) to get a fresh ticket"
      : unexpectedAnswer(answer, what);
    return redact(`${what} at ${url.href} failed: ${reason}`);
  }

  /**
   * Text of the SSO's answer as a message may quote it (see {@link serverText}), the password
   * and the request's `secrets` (a SPNEGO token) hidden should the SSO repeat them, and any
   * `Negotiate` token, whole or cut short.
   */
  #quoted(text: string, secrets: readonly string[] = []): string {
    const { password } = this.#credentials;
    let hidden = text;
    for (const secret of password ? [password, ...secrets] : secrets) {
      hidden = hideValue(hidden, secret);
    }
    if (this.#credentials.kerberos) hidden = hidden.replace(NEGOTIATE_TOKEN, "$1***");
    return serverText(hidden);
  }
}

/**
 * How long an SSO request may take (default: the connection's timeout), past the cap or not,
 * whether it goes on once the connection is closing, and what the debug log hides in its
 * answer.
 */
interface SsoSending {
  readonly limit?: number;
  readonly outlivesClose?: boolean;
  readonly pastCap?: boolean;
  readonly secrets?: readonly string[];
}

/** What one request to the SSO sends besides `Accept` and `User-Agent`. */
interface SsoRequest {
  readonly method: "GET" | "POST";
  /** Names in lower case. */
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Values made for this request that the debug log and messages hide. */
  readonly secrets?: readonly string[];
}

/** A `Negotiate` token (base64, or its URL-safe spelling) an SSO's text repeats. */
const NEGOTIATE_TOKEN = /(\bNegotiate\s+)[A-Za-z0-9+/=_%-]{16,}/gi;

/**
 * The status of an SSO answer, its JSON (`undefined` when it is not JSON), and for messages
 * its `Content-Type` and `Location`.
 */
interface SsoAnswer {
  readonly status: number;
  /** Whether it came without a body. */
  readonly empty: boolean;
  readonly json: unknown;
  readonly type?: string;
  readonly location?: string;
  /** What the request's answer was searched for and hidden in the debug log. */
  readonly secrets?: readonly string[];
}

/**
 * What came back instead of a token or a logout's success: a redirect (where to), JSON
 * without a token (or whose token is no text), not an object, or that cannot be read, no body,
 * or another type (a proxy's or identity provider's login page), and, but for JSON and server
 * errors, what to check, naming the URL option (`ssoUrl`, `ssoRevokeUrl`) that gives the
 * SSO's address.
 */
function unexpectedAnswer(answer: SsoAnswer, what: "SSO login" | "SSO logout"): string {
  const { status, json, type, location } = answer;
  const redirect = status >= 300 && status <= 399;
  if (json !== undefined && !redirect) {
    if (status < 200 || status > 299 || (status !== 200 && what === "SSO login")) {
      return `unexpected JSON answer with HTTP status ${status}`;
    }
    return what === "SSO login"
      ? `the answer (HTTP status 200) is JSON ${tokenTrouble(single(json).access_token)}`
      : `the answer (HTTP status ${status}) is JSON, but not the object the SSO answers ` +
        "(`{}` or an error)";
  }
  const media = type?.split(";")[0].trim().toLowerCase();
  if (media?.includes("json") && !redirect && !answer.empty) {
    return `the answer (HTTP status ${status}) says it is JSON, but it cannot be read as JSON`;
  }
  const answered = redirect && location !== undefined
    ? `a redirect (HTTP status ${status}) to ${shownLocation(location)}, which is not followed`
    : `an answer with HTTP status ${status} and ${
      answer.empty
        ? "no body"
        : media
        ? `a body of type ${serverText(media, 100)}`
        : "a body of unknown type"
    }, not the SSO's JSON`;
  // A server error is the SSO's (or a proxy's) own trouble, not a wrong address.
  if (status >= 500) return answered;
  const option = what === "SSO login" ? "ssoUrl" : "ssoRevokeUrl";
  return `${answered}: is the connection URL the engine's ` +
    "(https://<engine host>/ovirt-engine/api), reached without a login page of a proxy in " +
    "the way? Behind a proxy that publishes the engine under a path prefix, give " +
    `${option} with that prefix`;
}

/** What is wrong with the `access_token` of a login's JSON answer, never quoting it. */
function tokenTrouble(token: unknown): string {
  if (token === undefined) return "without an access_token";
  if (token === "") return "whose access_token is empty";
  const kind = token === null
    ? "null"
    : Array.isArray(token)
    ? "an array"
    : typeof token === "object"
    ? "an object"
    : `a ${typeof token}`;
  return `whose access_token is ${kind}, not a string`;
}

/** An SSO error: its code (`access_denied`, ...) and text. */
interface SsoFailure {
  readonly code: string;
  readonly description: string;
}

/**
 * The error in an SSO answer, in either shape: `{error, error_description}` (`error` is
 * the code) or `{error_code, error}` (`error` is the text).
 */
function ssoFailure(json: unknown): SsoFailure | undefined {
  const object = single(json);
  if (typeof object.error_description === "string") {
    return { code: textOf(object.error) ?? "error", description: object.error_description };
  }
  if (typeof object.error_code === "string") {
    return { code: object.error_code, description: textOf(object.error) ?? "" };
  }
  if (typeof object.error === "string") return { code: object.error, description: object.error };
  return undefined;
}

/** A JSON value as text: strings as they are, numbers and booleans written; else `undefined`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

/** The token of a successful login answer. */
function tokenOf(json: unknown): { value: string; exp?: string } | undefined {
  const object = single(json);
  if (typeof object.access_token !== "string" || object.access_token === "") return undefined;
  if (!isSendableToken(object.access_token)) {
    throw new AuthError(
      "The SSO answered a login with an access token that cannot be sent in a header " +
        "(spaces, controls or other than ASCII)",
    );
  }
  const exp = typeof object.exp === "string" || typeof object.exp === "number"
    ? String(object.exp)
    : undefined;
  return { value: object.access_token, exp };
}

/** The answer's object (empty when it is none); see {@link objectOf}. */
function single(json: unknown): Record<string, unknown> {
  return objectOf(json) ?? {};
}

/**
 * The answer's object, `undefined` when it is none; the SDKs also accept it wrapped in a
 * one-element array.
 */
function objectOf(json: unknown): Record<string, unknown> | undefined {
  const value = Array.isArray(json) && json.length === 1 ? json[0] : json;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/**
 * JSON text as a value, with numbers too large for a double (such as `exp`) kept as the
 * digits they were written with; `undefined` when the text is not JSON.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(
      text,
      (_key, value, context?: { source?: string }) =>
        Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source
          ? context.source
          : value,
    );
  } catch {
    return undefined;
  }
}

/** Whether the token's expiry has passed. */
function expired(token: HeldToken): boolean {
  return token.exp !== undefined && isPast(token.exp);
}

/** Whether `exp`, epoch milliseconds in decimal digits, is now or earlier. */
function isPast(exp: string): boolean {
  return /^\d+$/.test(exp) && BigInt(exp) <= BigInt(Date.now());
}

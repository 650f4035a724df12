/**
 * SSO authentication: the OAuth password grant, one login shared by every request waiting
 * for a token, one new login after the server rejects a token, and the logout.
 *
 * @module
 */

import { readText } from "./body.ts";
import { withDeadline } from "./deadline.ts";
import { AuthError } from "./errors.ts";
import type { HttpResponse } from "./http.ts";
import type { HttpClient } from "./http_client.ts";
import { redact } from "./redact.ts";
import { USER_AGENT } from "./version.ts";

/** Who the connection is: a user name and password, a token, or both. */
export interface Credentials {
  /** User name with profile, e.g. `admin@internal`. */
  readonly username?: string;
  /** Password of `username`. */
  readonly password?: string;
  /** An SSO token obtained elsewhere; used as is and never revoked. */
  readonly token?: string;
}

/** Where the SSO lives. */
export interface SsoEndpoints {
  /** The token endpoint (`/ovirt-engine/sso/oauth/token`). */
  readonly tokenUrl: URL;
  /** The logout endpoint (`/ovirt-engine/services/sso-logout`). */
  readonly revokeUrl: URL;
}

/** The SSO endpoints of the engine serving `apiUrl`, on the same scheme, host and port. */
export function defaultSsoEndpoints(apiUrl: URL): SsoEndpoints {
  return {
    tokenUrl: new URL("/ovirt-engine/sso/oauth/token", apiUrl.origin),
    revokeUrl: new URL("/ovirt-engine/services/sso-logout", apiUrl.origin),
  };
}

/** A token and whether this connection obtained it (and so may revoke it). */
interface HeldToken {
  readonly value: string;
  /** Expiry in epoch milliseconds, as the SSO wrote it (it may exceed 2^53). */
  readonly exp?: string;
  readonly obtained: boolean;
}

/** Holds a connection's SSO token: gets it, shares it, renews it, revokes it. */
export class Authenticator {
  readonly #credentials: Credentials;
  readonly #endpoints: SsoEndpoints;
  readonly #client: HttpClient;
  readonly #timeout?: number;
  #held?: HeldToken;
  #login?: Promise<HeldToken>;

  /** Logs in through `client`, each login limited to `timeout` ms. */
  constructor(
    credentials: Credentials,
    endpoints: SsoEndpoints,
    client: HttpClient,
    timeout?: number,
  ) {
    this.#credentials = credentials;
    this.#endpoints = endpoints;
    this.#client = client;
    this.#timeout = timeout;
    if (credentials.token !== undefined) {
      this.#held = { value: credentials.token, obtained: false };
    }
  }

  /** Whether a user name and password allow logging in. */
  get canLogIn(): boolean {
    return this.#credentials.username !== undefined && this.#credentials.password !== undefined;
  }

  /**
   * The current token, logging in first if there is none (or it expired). Concurrent
   * callers share one login; `signal` only stops this caller's wait.
   */
  async token(signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    if (held && !(this.canLogIn && expired(held))) return held.value;
    return (await waitFor(this.#sharedLogin(), signal)).value;
  }

  /**
   * Sends a request with the token, by calling `attempt`. If the server answers 401 and a
   * user name and password are known, logs in again (one login shared by every request
   * the server rejected with the same token) and calls `attempt` once more; that second
   * answer is returned whatever it is.
   */
  async authorize(
    attempt: (token: string) => Promise<HttpResponse>,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const token = await this.token(signal);
    const response = await attempt(token);
    if (response.status !== 401 || !this.canLogIn) return response;
    await response.body.cancel();
    return attempt(await this.#renew(token, signal));
  }

  /**
   * Revokes the token if this connection obtained it; a supplied token is left alone.
   * Rejects with an {@link AuthError} when the SSO refuses.
   */
  async logout(): Promise<void> {
    await this.#login?.catch(() => {});
    const held = this.#held;
    this.#held = undefined;
    if (!held?.obtained) return;
    const answer = await this.#postForm(this.#endpoints.revokeUrl, {
      scope: "ovirt-app-api",
      token: held.value,
    });
    const failure = ssoFailure(answer.json);
    if (failure || answer.status >= 300) {
      throw new AuthError(this.#describe("SSO logout", answer.status, failure), {
        code: answer.status,
      });
    }
  }

  /** A new token replacing `stale`, unless another request already replaced it. */
  #renew(stale: string, signal?: AbortSignal): Promise<string> {
    if (this.#held?.value === stale) this.#held = undefined;
    return this.token(signal);
  }

  /** The login in progress, or a new one. */
  #sharedLogin(): Promise<HeldToken> {
    this.#login ??= this.#logIn().finally(() => this.#login = undefined);
    return this.#login;
  }

  async #logIn(): Promise<HeldToken> {
    const { username, password } = this.#credentials;
    if (username === undefined || password === undefined) {
      throw new AuthError("No SSO token: set a token, or a user name and password to log in");
    }
    const answer = await this.#postForm(this.#endpoints.tokenUrl, {
      grant_type: "password",
      scope: "ovirt-app-api",
      username,
      password,
    });
    const failure = ssoFailure(answer.json);
    const token = tokenOf(answer.json);
    if (failure || answer.status !== 200 || token === undefined) {
      throw new AuthError(this.#describe("SSO login", answer.status, failure), {
        code: answer.status,
      });
    }
    // An expiry already past at login is not epoch milliseconds: ignore it rather than log
    // in again before every request.
    const exp = token.exp !== undefined && isPast(token.exp) ? undefined : token.exp;
    this.#held = { value: token.value, exp, obtained: true };
    return this.#held;
  }

  /** Posts a form to the SSO and reads its JSON answer (`undefined` if it is not JSON). */
  async #postForm(
    url: URL,
    form: Record<string, string>,
  ): Promise<{ status: number; json: unknown }> {
    return await withDeadline(this.#timeout, undefined, async (deadline) => {
      const response = await this.#client.send({
        method: "POST",
        url,
        headers: new Headers({
          "Accept": "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          "User-Agent": USER_AGENT,
        }),
        body: new URLSearchParams(form).toString(),
        signal: deadline.signal,
      });
      const text = await readText(response.body);
      return { status: response.status, json: parseJson(text) };
    });
  }

  #describe(what: "SSO login" | "SSO logout", status: number, failure?: SsoFailure): string {
    const url = what === "SSO login" ? this.#endpoints.tokenUrl : this.#endpoints.revokeUrl;
    const reason = failure
      ? `${failure.description} (${failure.code})`
      : `unexpected answer with HTTP status ${status}`;
    return redact(`${what} at ${url.href} failed: ${reason}`);
  }
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
    return { code: String(object.error ?? "error"), description: object.error_description };
  }
  if (typeof object.error_code === "string") {
    return { code: object.error_code, description: String(object.error ?? "") };
  }
  if (typeof object.error === "string") return { code: object.error, description: object.error };
  return undefined;
}

/** The token of a successful login answer. */
function tokenOf(json: unknown): { value: string; exp?: string } | undefined {
  const object = single(json);
  if (typeof object.access_token !== "string" || object.access_token === "") return undefined;
  const exp = typeof object.exp === "string" || typeof object.exp === "number"
    ? String(object.exp)
    : undefined;
  return { value: object.access_token, exp };
}

/** The answer's object; the SDKs also accept it wrapped in a one-element array. */
function single(json: unknown): Record<string, unknown> {
  const value = Array.isArray(json) && json.length === 1 ? json[0] : json;
  return typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
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

/** `promise`, or the signal's reason if it aborts first (the promise itself goes on). */
function waitFor<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

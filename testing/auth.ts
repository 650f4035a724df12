/**
 * The engine's SSO as the simulator has it (protocol section 5): the OAuth password grant
 * at `/ovirt-engine/sso/oauth/token`, Kerberos (`Negotiate`) at
 * `/ovirt-engine/sso/oauth/token-http-auth` when a keytab is given, logout at
 * `/ovirt-engine/services/sso-logout`, and the check of the `Authorization` header of every
 * API request.
 *
 * @module
 */

import type { GssAcceptor } from "./gss_acceptor.ts";

/** Path of the token endpoint. */
export const TOKEN_PATH = "/ovirt-engine/sso/oauth/token";
/** Path of the token endpoint that takes `Authorization: Negotiate` (Kerberos). */
export const TOKEN_HTTP_AUTH_PATH = "/ovirt-engine/sso/oauth/token-http-auth";
/** Path of the logout endpoint. */
export const LOGOUT_PATH = "/ovirt-engine/services/sso-logout";

/** The largest 64-bit value, the engine's "no fixed expiry" (sent as a string). */
const NO_EXPIRY = "9223372036854775807";
const SCOPE = "ovirt-app-api";
const HTTP_AUTH_GRANT = "urn:ovirt:params:oauth:grant-type:http";

/** Which of the engine's two JSON error shapes SSO failures use. */
export type SsoErrorShape = "description" | "code";

/** The one user the simulator knows, and how tokens behave. */
export interface SsoOptions {
  /** User name with profile, `admin@internal`. */
  readonly username: string;
  /** Its password. */
  readonly password: string;
  /** Lifetime of a token in milliseconds; unlimited when absent. */
  readonly tokenLifetime?: number;
  /**
   * `"description"`: `{error: code, error_description: text}` (default);
   * `"code"`: `{error_code: code, error: text}`.
   */
  readonly errorShape: SsoErrorShape;
  /** Checks the tokens of Kerberos logins; without it, every Kerberos login is refused. */
  readonly acceptor?: GssAcceptor;
}

/** Issues, checks and revokes bearer tokens. */
export class Sso {
  readonly #options: SsoOptions;
  readonly #tokens = new Map<string, number>(); // token -> expiry (epoch ms)
  #logins = 0;

  /** An SSO for one user. */
  constructor(options: SsoOptions) {
    this.#options = options;
  }

  /** How many tokens were issued. */
  get logins(): number {
    return this.#logins;
  }

  /** Answers a request to the token endpoint. */
  async token(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response(null, { status: 405 });
    if (request.headers.get("Accept") !== "application/json") {
      return this.#error("invalid_request", "Missing parameter: 'Accept Header'");
    }
    const form = await readForm(request);
    if (!form) return this.#error("invalid_request", "The request body is not a form");
    if (form.get("grant_type") !== "password") {
      return this.#error("unsupported_grant_type", "The grant type is not supported");
    }
    if (form.get("scope") !== SCOPE) {
      return this.#error("invalid_scope", `The scope must be ${SCOPE}`);
    }
    const username = form.get("username") ?? "";
    if (username !== this.#options.username || form.get("password") !== this.#options.password) {
      return this.#error(
        "access_denied",
        `Cannot authenticate user '${username}': The username or password is incorrect..`,
      );
    }
    return this.#issue();
  }

  /**
   * Answers a request to the Kerberos token endpoint as the engine does: `Accept` first,
   * then a 401 `Negotiate` challenge (an HTML page) unless the request carries a token the
   * keytab accepts, then the grant and scope, from the query or a form.
   */
  async negotiate(request: Request): Promise<Response> {
    if (request.method !== "GET" && request.method !== "POST") {
      return new Response(null, { status: 405 });
    }
    if (request.headers.get("Accept") !== "application/json") {
      return this.#error("invalid_request", "Missing parameter: 'Accept Header'");
    }
    const token = negotiateBytes(request.headers.get("Authorization"));
    const accepted = token && await this.#options.acceptor?.accept(token);
    if (!accepted || !("principal" in accepted)) return negotiateChallenge();
    const parameters = new URL(request.url).searchParams;
    for (const [name, value] of (await readForm(request)) ?? []) parameters.set(name, value);
    if (parameters.get("grant_type") !== HTTP_AUTH_GRANT) {
      return this.#error("unsupported_grant_type", "The grant type is not supported");
    }
    if (parameters.get("scope") !== SCOPE) {
      return this.#error("invalid_scope", `The scope must be ${SCOPE}`);
    }
    return this.#issue();
  }

  /** A new token for the user, in the engine's JSON answer. */
  #issue(): Response {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const token = btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "");
    const lifetime = this.#options.tokenLifetime;
    const expiry = lifetime === undefined ? Infinity : Date.now() + lifetime;
    this.#tokens.set(token, expiry);
    this.#logins++;
    return Response.json({
      access_token: token,
      scope: SCOPE,
      exp: expiry === Infinity ? NO_EXPIRY : String(expiry),
      token_type: "bearer",
    });
  }

  /** Answers a request to the logout endpoint: revokes the token in the form. */
  async logout(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response(null, { status: 405 });
    const token = (await readForm(request))?.get("token");
    if (!token) return this.#error("invalid_request", "Missing parameter: 'token'");
    this.#tokens.delete(token);
    return Response.json({});
  }

  /** Whether an API request carries a valid bearer token (or the user's basic credentials). */
  authorized(request: Request): boolean {
    const header = request.headers.get("Authorization") ?? "";
    const [scheme, credentials = ""] = header.split(" ", 2);
    switch (scheme.toLowerCase()) {
      case "bearer": {
        const expiry = this.#tokens.get(credentials);
        if (expiry === undefined) return false;
        if (expiry > Date.now()) return true;
        this.#tokens.delete(credentials);
        return false;
      }
      case "basic":
        return decodeBasic(credentials) === `${this.#options.username}:${this.#options.password}`;
      default:
        return false;
    }
  }

  /** Revokes every token issued so far: clients must log in again. */
  revokeAll(): void {
    this.#tokens.clear();
  }

  #error(code: string, text: string): Response {
    const body = this.#options.errorShape === "code"
      ? { error_code: code, error: text }
      : { error: code, error_description: text };
    return Response.json(body, { status: 400 });
  }
}

/** The engine's answer to an API request without valid credentials: 401 with an HTML page. */
export function unauthorized(): Response {
  return new Response(
    "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
    {
      status: 401,
      headers: {
        "Content-Type": "text/html;charset=UTF-8",
        "WWW-Authenticate": 'Basic realm="RESTAPI"',
      },
    },
  );
}

/** The engine's answer to a Kerberos login without an acceptable token. */
function negotiateChallenge(): Response {
  return new Response(
    "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
    {
      status: 401,
      headers: { "Content-Type": "text/html;charset=UTF-8", "WWW-Authenticate": "Negotiate" },
    },
  );
}

/** The bytes of an `Authorization: Negotiate <base64>` header, if it is one. */
function negotiateBytes(header: string | null): Uint8Array | undefined {
  const match = /^Negotiate\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  try {
    return Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return undefined;
  return new URLSearchParams(await request.text());
}

function decodeBasic(credentials: string): string | undefined {
  try {
    const binary = atob(credentials);
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

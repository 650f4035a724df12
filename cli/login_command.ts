/**
 * `ovirt login` and `ovirt logout`. Login asks for the password without echo (or takes
 * `OVIRT_PASSWORD`), or uses the Kerberos ticket (`--kerberos`), logs in through the SDK,
 * and caches the SSO token in a 0600 file;
 * later commands use it until it expires or the engine ends the session. Logout revokes
 * the token at the engine's SSO and removes the file.
 *
 * @module
 */

import { Connection, type ConnectionOptions, OvirtError } from "../mod.ts";
import { untilAborted } from "../transport/abortable.ts";
import { CLOSING_LOGOUT_LIMIT } from "../transport/auth.ts";
import { ticketPrincipal } from "../transport/kerberos/credential_cache.ts";
import type { Context } from "./context.ts";
import { CliError, EXIT, UsageError } from "./errors.ts";
import type { Settings } from "./config.ts";
import type { ParsedFlags } from "./options.ts";
import { printable } from "./output/printable.ts";
import { readPassword } from "./prompt.ts";
import { transportOptions } from "./session.ts";
import {
  type CachedSession,
  checkSessionFolder,
  readSession,
  removeSession,
  sessionPath,
  writeSession,
} from "./token_cache.ts";

/** Help of `ovirt login`. */
export const LOGIN_HELP = `Usage: ovirt login [--url URL] [--username USER] [--profile NAME]
       ovirt login --kerberos [--url URL] [--profile NAME]

Asks for the password without echo (or reads OVIRT_PASSWORD, or the first line of a pipe),
or with --kerberos (OVIRT_KERBEROS=1, a profile's kerberos) uses the ticket kinit left in
your credential cache (Kerberos wins: a user name and OVIRT_PASSWORD are then not used; the
URL must name the engine's host as its HTTP/<host> principal does; ovirt needs --allow-ffi,
which deno install -A and deno task cli grant), logs in to the engine's SSO and keeps the
token in a file only you can read
($XDG_CACHE_HOME/ovirt/sessions/, mode 0600). Commands then use it until it expires or the
engine ends the session (they then say so: log in again; with OVIRT_PASSWORD set, or
Kerberos on, they log in with it instead), or ovirt logout revokes it. The
token of a login that fails after the SSO gave it (the URL is not the API root, the engine
answers an error) is revoked (a warning says so when that fails too); the session a new login
replaces is not (commands started before may still be using it): it ends when it expires.
`;

/** Help of `ovirt logout`. */
export const LOGOUT_HELP = `Usage: ovirt logout [--url URL] [--profile NAME] [--forget]

Revokes the cached session's token at the engine's SSO and removes the file. When the token
cannot be revoked (the engine unreachable, a time limit, an SSO failure), the file is kept and
the error says so: run ovirt logout again later. --forget removes the file without asking the
SSO (for an SSO that never revokes it, such as one a proxy does not publish): the token stays
valid until it expires.
`;

/** The flags of `ovirt logout`. */
export const LOGOUT_OPTIONS = { forget: { type: "boolean" } } as const;

function noArguments(command: string, { positionals }: ParsedFlags): void {
  if (positionals.length > 0) {
    throw new UsageError(`ovirt ${command}: unexpected argument "${positionals[0]}"`);
  }
}

/** Runs `ovirt login`. */
export async function runLogin(context: Context, args: ParsedFlags): Promise<void> {
  noArguments("login", args);
  const settings = await context.settings();
  const base = transportOptions(settings, context.requestFlags());
  // Kerberos wins over a user name and OVIRT_PASSWORD, as in the SDK: the ticket says who.
  const login = settings.kerberos
    ? kerberosLogin(context)
    : await passwordLogin(context, settings, base.url);
  const connection = new Connection({ ...base, ...login.credentials });
  let kept = false;
  try {
    const token = await connection.authenticate({ signal: context.signal });
    // Whose ticket the login used: a later --kerberos command with another user's ticket
    // does not take this session.
    const principal = settings.kerberos ? await ticketPrincipal(base.url) : undefined;
    const expires = connection.tokenExpiry();
    await connection.test(true, { signal: context.signal });
    // The session it replaces is not revoked: commands started before may still be using it.
    const path = await writeSession(context.env, {
      url: base.url,
      ...login.owner,
      ...(principal ? { principal } : {}),
      token,
      created: new Date().toISOString(),
      ...(expires ? { expires: expires.toISOString() } : {}),
    });
    kept = true;
    const as = principal ? `as ${principal} ${login.as}` : login.as;
    context.err(`Logged in to ${base.url} ${as}; session kept in ${path}\n`);
  } finally {
    // A kept token lives on in the cache; one of a failed login is revoked.
    if (!kept) await revokeUnkept(context, connection);
    await connection.close(false);
  }
}

/** How `ovirt login` logs in, whom the session is of, and how its message names them. */
interface Login {
  readonly credentials: Partial<ConnectionOptions>;
  readonly owner: Pick<CachedSession, "username" | "kerberos">;
  readonly as: string;
}

/** A login with the Kerberos ticket, once it is sure the session can be kept. */
function kerberosLogin(context: Context): Login {
  checkSessionFolder(context.env); // before the ticket is sent
  return {
    credentials: { kerberos: true },
    owner: { kerberos: true },
    as: "with your Kerberos ticket",
  };
}

/**
 * A login with the user name of `settings` and the password of OVIRT_PASSWORD, else asked
 * for (once it is sure the session can be kept).
 */
async function passwordLogin(context: Context, settings: Settings, url: string): Promise<Login> {
  const username = settings.username;
  if (!username) {
    throw new UsageError(
      "ovirt login: give --username (or OVIRT_USERNAME, or a profile), or --kerberos",
    );
  }
  checkSessionFolder(context.env); // before the password is asked for or sent
  const password = context.env("OVIRT_PASSWORD") ??
    await readPassword(`Password for ${username} at ${url}: `, context.signal);
  if (password === "") {
    throw new UsageError("ovirt login: no password given (an empty line, or nothing on stdin)");
  }
  return { credentials: { username, password }, owner: { username }, as: `as ${username}` };
}

/**
 * Revokes the token of a login that failed after the SSO gave it (nothing when it gave none),
 * waiting for the SSO as long as closing a connection does; when that fails too, says on
 * stderr that the token stays valid until it expires, before the login's own error.
 */
async function revokeUnkept(context: Context, connection: Connection): Promise<void> {
  try {
    await untilAborted(connection.revokeToken(), AbortSignal.timeout(CLOSING_LOGOUT_LIMIT));
  } catch (error) {
    const reason = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${CLOSING_LOGOUT_LIMIT / 1000} s`
      : error instanceof Error
      ? error.message
      : String(error);
    context.err(
      `ovirt: warning: the SSO token this login got could not be revoked (${reason}); ` +
        "it stays valid until it expires\n",
    );
  }
}

/** Runs `ovirt logout`. */
export async function runLogout(context: Context, args: ParsedFlags): Promise<void> {
  noArguments("logout", args);
  const settings = await context.settings();
  const base = transportOptions(settings, context.requestFlags());
  const session = await readSession(context.env, base.url);
  if (!session) throw new CliError(`Not logged in to ${base.url}`, EXIT.AUTH);
  const forget = args.values.forget === true;
  if (!forget) {
    const connection = new Connection({ ...base, token: session.token });
    try {
      await connection.revokeToken();
    } catch (error) {
      // The SSO answers `{}` for a token it no longer knows: any failure is one to try again.
      throw await sessionKept(context, base.url, error);
    } finally {
      await connection.close(false);
    }
  }
  context.err(
    forget
      ? `Session of ${base.url} forgotten; its token was not revoked and stays valid until it expires\n`
      : `Logged out of ${base.url}\n`,
  );
  await removeSession(context.env, base.url).catch((error) =>
    context.err(
      `ovirt: warning: ${
        forget ? "the session" : "the token is revoked, but its session"
      } file could not be removed: ${printable((error as Error).message)}\n`,
    )
  );
}

/**
 * `error` (the token could not be revoked: the engine unreachable, a time limit, a failing
 * SSO) saying that the cached session was kept, so that `ovirt logout` can be tried again.
 */
async function sessionKept(context: Context, url: string, error: unknown): Promise<unknown> {
  if (!(error instanceof OvirtError)) return error;
  const path = await sessionPath(context.env, url);
  const Class = error.constructor as typeof OvirtError;
  // An answer came (`code`): trying again later will not help unless the SSO changes.
  const next = error.code === undefined
    ? "run `ovirt logout` again once the engine answers"
    : "`ovirt logout --forget` removes it without revoking the token";
  return new Class(
    `${error.message}. The token was not revoked: the session is kept${
      path ? ` in ${path}` : ""
    }; ${next}`,
    { code: error.code, fault: error.fault, cause: error.cause },
  );
}

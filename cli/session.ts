/**
 * Opening the connection a command runs on: the cached session of `ovirt login` when there
 * is one for this engine and user, else a login with the Kerberos ticket (`--kerberos`) or
 * `OVIRT_PASSWORD` that ends with the command.
 *
 * @module
 */

import { AuthError, Connection, type ConnectionOptions } from "../mod.ts";
import type { Env, Settings } from "./config.ts";
import { CliError, EXIT } from "./errors.ts";
import { untilAborted } from "../transport/abortable.ts";
import { ticketPrincipal } from "../transport/kerberos/credential_cache.ts";
import {
  type CachedSession,
  isExpired,
  loginCommand,
  readSession,
  removeSession,
  removeSessionOf,
  sessionOwner,
} from "./token_cache.ts";

/** Request settings common to every command. */
export interface RequestFlags {
  /** Time limit of each request, in milliseconds. */
  timeout?: number;
  /** Log requests and answers (secrets hidden) on standard error. */
  debug?: boolean;
}

/** The TLS and request options of `settings`, without credentials. */
export function transportOptions(settings: Settings, flags: RequestFlags) {
  if (!settings.url) {
    throw new CliError(
      "No engine URL: set OVIRT_URL, give --url (before the resource when the verb has a " +
        "--url of its own), or choose a profile (ovirt profile --help)",
      EXIT.USAGE,
    );
  }
  return {
    url: settings.url,
    ...(settings.caFile ? { caFile: settings.caFile } : {}),
    ...(settings.insecure ? { insecure: true } : {}),
    ...(flags.timeout ? { timeout: flags.timeout } : {}),
    ...(flags.debug ? { debug: true } : {}),
  } satisfies Partial<ConnectionOptions>;
}

/** A connection for one command, and how to end it. */
export interface Session {
  /** The connection. */
  readonly connection: Connection;
  /** Whether it runs on a cached `ovirt login` session. */
  readonly cached: boolean;
  /** Closes it: logs out of a one-command login, keeps a cached session. */
  close(): Promise<void>;
  /**
   * Turns an error into what the user should read: a rejected cached session is removed
   * and named as expired.
   */
  explain(error: unknown): Promise<unknown>;
}

/** Says on standard error something the command goes on without (one line, no prefix). */
export type Warn = (line: string) => void;

/**
 * Opens the connection `settings` describe. With Kerberos on, or `OVIRT_PASSWORD` (and a
 * user name), a cached session that expired, or that the engine rejects, gives way to a
 * login with the ticket or the password, and a cache that cannot be read or changed (a
 * read-only home, a folder left root's by `sudo -E`) only gets a warning through `warn`.
 */
export async function openSession(
  settings: Settings,
  flags: RequestFlags,
  env: Env,
  warn: Warn,
): Promise<Session> {
  const base = transportOptions(settings, flags);
  const credentials = loginCredentials(settings, env);
  let cached: CachedSession | undefined;
  try {
    cached = await readSession(env, base.url);
  } catch (error) {
    if (!credentials) throw error;
    const how = "kerberos" in credentials ? "your Kerberos ticket" : "OVIRT_PASSWORD";
    warn(`${(error as Error).message}; logging in with ${how} instead`);
  }
  const session = cached && await serves(cached, settings, base.url, flags, warn)
    ? cached
    : undefined;
  if (session && isExpired(session)) {
    await removeSession(env, base.url).catch((error) => warn(notRemoved(error)));
    if (!credentials) {
      throw new CliError(
        `The session of ${sessionOwner(session)} at ${base.url} expired at ` +
          `${session.expires}: run \`${loginCommand(session)}\` again`,
        EXIT.AUTH,
      );
    }
  } else if (session) {
    // With a password or Kerberos, the SDK logs in so when the engine rejects the token.
    const connection = new Connection({ ...base, token: session.token, ...credentials });
    return {
      connection,
      cached: true,
      // A token the password or the ticket got is logged out; the cached one is kept.
      close: () => connection.close(credentials !== undefined),
      explain: async (error) => {
        if (credentials || !(error instanceof AuthError) || error.code !== 401) return error;
        await removeSessionOf(env, base.url, session.token).catch((error) =>
          warn(notRemoved(error))
        );
        return new CliError(
          `The session of ${sessionOwner(session)} at ${base.url} has expired or was ` +
            `revoked: run \`${loginCommand(session)}\` again`,
          EXIT.AUTH,
        );
      },
    };
  }
  if (!credentials) throw new CliError(notLoggedIn(base.url, settings, cached), EXIT.AUTH);
  const connection = new Connection({ ...base, ...credentials });
  return {
    connection,
    cached: false,
    close: () => connection.close(),
    explain: (error) => Promise.resolve(error),
  };
}

/**
 * What a command logs in with where no cached session serves: the Kerberos ticket when
 * Kerberos is on (it wins over a user name and OVIRT_PASSWORD, as in the SDK), else
 * OVIRT_PASSWORD with the user name; undefined without either.
 */
function loginCredentials(
  settings: Settings,
  env: Env,
): { kerberos: true } | { username: string; password: string } | undefined {
  if (settings.kerberos) return { kerberos: true };
  const password = env("OVIRT_PASSWORD");
  return settings.username && password !== undefined
    ? { username: settings.username, password }
    : undefined;
}

/**
 * Whether `cached` is the session `settings` ask for: with Kerberos on, a Kerberos login's
 * made with the principal of the ticket a login would use now (when that can be read within
 * the request time limit; a session of another principal's, or of an unknown one, gives way
 * to a login with the ticket, said through `warn`); else one of the user named (any when none
 * is).
 */
async function serves(
  cached: CachedSession,
  settings: Settings,
  url: string,
  flags: RequestFlags,
  warn: Warn,
): Promise<boolean> {
  if (!settings.kerberos) {
    return settings.username === undefined || settings.username === cached.username;
  }
  if (cached.kerberos !== true) return false;
  // Within the request time limit: a KCM daemon that does not answer leaves the session used.
  const limit = flags.timeout ? AbortSignal.timeout(flags.timeout) : undefined;
  const holder = await untilAborted(ticketPrincipal(url), limit).catch(() => undefined);
  const owner = sessionPrincipal(cached);
  if (holder === undefined || holder === owner) return true;
  warn(
    `the session kept for ${url} is ${owner ?? "an earlier Kerberos login"}'s and your ticket ` +
      `is ${holder}'s: logging in with your ticket for this command (\`ovirt login ` +
      "--kerberos` keeps a session of it)",
  );
  return false;
}

/**
 * The principal a Kerberos session was made with, kept in its file by `ovirt login
 * --kerberos` (`undefined` for a session of an older version).
 */
function sessionPrincipal(session: CachedSession): string | undefined {
  const principal: unknown = session.principal; // as the file says: it may hold anything
  return typeof principal === "string" ? principal : undefined;
}

/** Why a command without credentials has no session, and what to run. */
function notLoggedIn(url: string, settings: Settings, cached?: CachedSession): string {
  if (cached?.kerberos && settings.username !== undefined) {
    return `Not logged in to ${url} as ${settings.username}: its session is your Kerberos ` +
      "login; add --kerberos (or OVIRT_KERBEROS=1) to use it, or run `ovirt login` as " +
      settings.username;
  }
  return "Not logged in: run `ovirt login` (`ovirt login --kerberos` with a Kerberos ticket), " +
    "or set OVIRT_USERNAME and OVIRT_PASSWORD";
}

/** The warning for a session file that could not be removed. */
function notRemoved(error: unknown): string {
  return `the ended session could not be removed from the cache: ${(error as Error).message}`;
}

/**
 * Opening the connection a command runs on: the cached session of `ovirt login` when there
 * is one for this engine and user, else a login with `OVIRT_PASSWORD` that ends with the
 * command.
 *
 * @module
 */

import { AuthError, Connection, type ConnectionOptions } from "../mod.ts";
import type { Env, Settings } from "./config.ts";
import { CliError, EXIT } from "./errors.ts";
import {
  type CachedSession,
  isExpired,
  readSession,
  removeSession,
  removeSessionOf,
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
 * Opens the connection `settings` describe. With `OVIRT_PASSWORD` (and a user name), a
 * cached session that expired, or that the engine rejects, gives way to a login with the
 * password, and a cache that cannot be read or changed (a read-only home, a folder left
 * root's by `sudo -E`) only gets a warning through `warn`.
 */
export async function openSession(
  settings: Settings,
  flags: RequestFlags,
  env: Env,
  warn: Warn,
): Promise<Session> {
  const base = transportOptions(settings, flags);
  const password = env("OVIRT_PASSWORD");
  const credentials = settings.username && password !== undefined
    ? { username: settings.username, password }
    : undefined;
  let cached: CachedSession | undefined;
  try {
    cached = await readSession(env, base.url);
  } catch (error) {
    if (!credentials) throw error;
    warn(`${(error as Error).message}; logging in with OVIRT_PASSWORD instead`);
  }
  const session = cached &&
      (settings.username === undefined || settings.username === cached.username)
    ? cached
    : undefined;
  if (session && isExpired(session)) {
    await removeSession(env, base.url).catch((error) => warn(notRemoved(error)));
    if (!credentials) {
      throw new CliError(
        `The session of ${session.username} at ${base.url} expired at ${session.expires}: ` +
          "run `ovirt login` again",
        EXIT.AUTH,
      );
    }
  } else if (session) {
    // With a password, the SDK logs in with it when the engine rejects the cached token.
    const connection = new Connection({ ...base, token: session.token, ...credentials });
    return {
      connection,
      cached: true,
      // A token the password got is logged out; the cached one is kept.
      close: () => connection.close(credentials !== undefined),
      explain: async (error) => {
        if (credentials || !(error instanceof AuthError) || error.code !== 401) return error;
        await removeSessionOf(env, base.url, session.token).catch((error) =>
          warn(notRemoved(error))
        );
        return new CliError(
          `The session of ${session.username} at ${base.url} has expired or was revoked: ` +
            "run `ovirt login` again",
          EXIT.AUTH,
        );
      },
    };
  }
  if (!credentials) {
    throw new CliError(
      "Not logged in: run `ovirt login`, or set OVIRT_USERNAME and OVIRT_PASSWORD",
      EXIT.AUTH,
    );
  }
  const connection = new Connection({ ...base, ...credentials });
  return {
    connection,
    cached: false,
    close: () => connection.close(),
    explain: (error) => Promise.resolve(error),
  };
}

/** The warning for a session file that could not be removed. */
function notRemoved(error: unknown): string {
  return `the ended session could not be removed from the cache: ${(error as Error).message}`;
}

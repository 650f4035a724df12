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
import { isExpired, readSession, removeSession, removeSessionOf } from "./token_cache.ts";

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

/** Opens the connection `settings` describe. */
export async function openSession(
  settings: Settings,
  flags: RequestFlags,
  env: Env,
): Promise<Session> {
  const base = transportOptions(settings, flags);
  const password = env("OVIRT_PASSWORD");
  const cached = await readSession(env, base.url);
  const usable = cached &&
    (settings.username === undefined || settings.username === cached.username);
  if (usable && isExpired(cached)) {
    await removeSession(env, base.url);
    throw new CliError(
      `The session of ${cached.username} at ${base.url} expired at ${cached.expires}: ` +
        "run `ovirt login` again",
      EXIT.AUTH,
    );
  }
  if (usable) {
    const connection = new Connection({ ...base, token: cached.token });
    return {
      connection,
      cached: true,
      close: () => connection.close(false),
      explain: async (error) => {
        if (!(error instanceof AuthError) || error.code !== 401) return error;
        await removeSessionOf(env, base.url, cached.token);
        return new CliError(
          `The session of ${cached.username} at ${base.url} has expired or was revoked: ` +
            "run `ovirt login` again",
          EXIT.AUTH,
        );
      },
    };
  }
  if (!settings.username || password === undefined) {
    throw new CliError(
      "Not logged in: run `ovirt login`, or set OVIRT_USERNAME and OVIRT_PASSWORD",
      EXIT.AUTH,
    );
  }
  const connection = new Connection({ ...base, username: settings.username, password });
  return {
    connection,
    cached: false,
    close: () => connection.close(),
    explain: (error) => Promise.resolve(error),
  };
}

/**
 * The sessions `ovirt login` caches: one file per engine URL under
 * `$XDG_CACHE_HOME/ovirt/sessions/`, readable by its owner only (0600, folder 0700),
 * holding the SSO token until it expires, the engine ends the session or `ovirt logout`
 * revokes it.
 *
 * @module
 */

import { isSendableToken } from "../transport/options.ts";
import { CliError } from "./errors.ts";
import { cacheDir, type Env, nowhereToWrite } from "./config.ts";
import { replacePrivateFile } from "./private_file.ts";
import { utf8Text } from "./strict_utf8.ts";

/** A cached session. */
export interface CachedSession {
  /** The API root URL it is for. */
  url: string;
  /** Who logged in with a password; absent after a Kerberos login (the ticket said who). */
  username?: string;
  /** Set when the login was made with the user's Kerberos ticket. */
  kerberos?: true;
  /** The Kerberos principal of that ticket (`alice@EXAMPLE.COM`); absent in older files. */
  principal?: string;
  /** The SSO token (a secret: never printed). */
  token: string;
  /** When the login happened (ISO date). */
  created: string;
  /** When the token expires, as the SSO said (ISO date); absent when it did not say. */
  expires?: string;
}

/** Whom `session` is of, as messages name them: the user name, or "your Kerberos login". */
export function sessionOwner(session: CachedSession): string {
  return session.kerberos ? "your Kerberos login" : session.username ?? "an unnamed user";
}

/** The command that makes `session` again: `ovirt login`, with `--kerberos` for Kerberos. */
export function loginCommand(session: CachedSession): string {
  return session.kerberos ? "ovirt login --kerberos" : "ovirt login";
}

/** Whether `session`'s token is past the expiry the SSO gave it. */
export function isExpired(session: CachedSession, now = Date.now()): boolean {
  return session.expires !== undefined && Date.parse(session.expires) <= now;
}

async function fileName(env: Env, url: string): Promise<string | undefined> {
  const dir = cacheDir(env);
  if (dir === undefined) return undefined;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(url));
  const hex = Array.from(new Uint8Array(digest).slice(0, 12))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${dir}/sessions/${hex}.json`;
}

/**
 * The path of the session file for `url`; undefined where there is no cache folder
 * (neither XDG_CACHE_HOME nor HOME is set).
 */
export function sessionPath(env: Env, url: string): Promise<string | undefined> {
  return fileName(env, normalizeUrl(url));
}

/**
 * Refuses, before a login is sent, to log in where the session could not be kept (neither
 * XDG_CACHE_HOME nor HOME is set): exit 2.
 */
export function checkSessionFolder(env: Env): void {
  if (cacheDir(env) === undefined) throw nowhereToWrite("the session", "XDG_CACHE_HOME");
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The cached session for `url`, if there is a readable one: a damaged file (not UTF-8, not
 * JSON, no token or one that cannot be sent) is none, which the next login replaces.
 */
export async function readSession(env: Env, url: string): Promise<CachedSession | undefined> {
  const path = await sessionPath(env, url);
  if (path === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CliError(`Cannot read the cached session ${path}: ${(error as Error).message}`);
  }
  // Bytes that are not UTF-8 are damage too, not a token with U+FFFD in it.
  const text = utf8Text(bytes);
  if (text === undefined) return undefined;
  try {
    const session = JSON.parse(text) as CachedSession;
    return typeof session.token === "string" && isSendableToken(session.token) &&
        normalizeUrl(session.url) === normalizeUrl(url)
      ? session
      : undefined;
  } catch {
    return undefined; // a damaged file is as good as none; the next login replaces it
  }
}

/**
 * Stores a session (mode 0600, created so before any byte is written), in place of the one
 * before in one step: a command reading it meanwhile gets the old session or the new one.
 */
export async function writeSession(env: Env, session: CachedSession): Promise<string> {
  const path = await sessionPath(env, session.url);
  if (path === undefined) throw nowhereToWrite("the session", "XDG_CACHE_HOME");
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  await replacePrivateFile(path, JSON.stringify(session) + "\n");
  return path;
}

/**
 * Removes the cached session for `url` if it still holds `token`: a login since then (in
 * another terminal) replaced it with one that works, which must stay.
 */
export async function removeSessionOf(env: Env, url: string, token: string): Promise<void> {
  const cached = await readSession(env, url).catch(() => undefined);
  if (cached?.token === token) await removeSession(env, url);
}

/** Removes the cached session for `url`; resolves to whether there was one. */
export async function removeSession(env: Env, url: string): Promise<boolean> {
  const path = await sessionPath(env, url);
  if (path === undefined) return false;
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Where the engine is and who the user is: named profiles in
 * `$XDG_CONFIG_HOME/ovirt/config.json`, overridden by the `OVIRT_*` variables, overridden
 * by flags.
 *
 * @module
 */

import { insecureVariable } from "../helpers/options_from_env.ts";
import { CliError, EXIT, UsageError } from "./errors.ts";
import { replacePrivateFile } from "./private_file.ts";
import { notUtf8, utf8Text } from "./strict_utf8.ts";

/** One named set of connection settings. Passwords are never stored here. */
export interface Profile {
  /** The API root URL. */
  url?: string;
  /** User name with profile, e.g. `admin@internal`. */
  username?: string;
  /** PEM file of the CA to trust. */
  caFile?: string;
  /** Skip TLS verification (lab engines only). */
  insecure?: boolean;
  /** Log in with the user's Kerberos ticket instead of a password. */
  kerberos?: boolean;
}

/** The config file's content. */
export interface ConfigFile {
  /** Profile used when none is named. */
  current?: string;
  /** Profiles by name. */
  profiles: Record<string, Profile>;
}

/** Reads environment variables (tests pass their own). */
export type Env = (name: string) => string | undefined;

/**
 * The directory of the config file: `$XDG_CONFIG_HOME/ovirt` or `~/.config/ovirt`;
 * undefined when neither XDG_CONFIG_HOME nor HOME is set (there are then no profiles).
 */
export function configDir(env: Env): string | undefined {
  return xdg(env, "XDG_CONFIG_HOME", ".config");
}

/**
 * The directory of cached sessions: `$XDG_CACHE_HOME/ovirt` or `~/.cache/ovirt`; undefined
 * when neither XDG_CACHE_HOME nor HOME is set (there are then no cached sessions).
 */
export function cacheDir(env: Env): string | undefined {
  return xdg(env, "XDG_CACHE_HOME", ".cache");
}

function xdg(env: Env, variable: string, fallback: string): string | undefined {
  const set = env(variable);
  if (set) return `${set}/ovirt`;
  const home = env("HOME");
  return home ? `${home}/${fallback}/ovirt` : undefined;
}

/**
 * The error of a command that must save `what` where neither `variable` (XDG_CONFIG_HOME,
 * XDG_CACHE_HOME) nor HOME is set: exit 2, naming what to set.
 */
export function nowhereToWrite(what: string, variable: string): CliError {
  return new CliError(
    `Cannot save ${what}: neither ${variable} nor HOME is set, so there is no ` +
      `$${variable}/ovirt folder; set one of them`,
    EXIT.USAGE,
  );
}

/**
 * Reads the config file (UTF-8, after a byte order mark or not); a missing file (or no config
 * folder at all) is an empty config.
 */
export async function readConfig(env: Env): Promise<ConfigFile> {
  const dir = configDir(env);
  if (dir === undefined) return { profiles: {} };
  const path = `${dir}/config.json`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { profiles: {} };
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  // A config that cannot be read as one is a bad setting, as one with a key that is none:
  // exit 2, saying how to get out of it. Bytes that are not UTF-8 are not read as U+FFFD: a
  // profile would hold another user name than the one written.
  const text = utf8Text(bytes);
  if (text === undefined) throw new UsageError(`${path}: ${notUtf8(bytes)}: save it as UTF-8`);
  const recover = "mend it, or remove it and make the profiles again with `ovirt profile set`";
  if (text.trim() === "") throw new UsageError(`${path} is empty: ${recover}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${(error as Error).message}): ${recover}`);
  }
  const config = parsed as Partial<ConfigFile>;
  if (!isRecord(config)) throw new UsageError(`${path} must hold a JSON object: ${recover}`);
  const profiles = config.profiles ?? {};
  if (!isRecord(profiles) || !Object.values(profiles).every(isRecord)) {
    throw new UsageError(`${path}: "profiles" must map each name to an object of settings`);
  }
  for (const key of Object.keys(config)) {
    if (key !== "current" && key !== "profiles") {
      throw new UsageError(`${path}: "${key}" is not a setting (only "current" and "profiles")`);
    }
  }
  if (config.current !== undefined && typeof config.current !== "string") {
    throw new UsageError(`${path}: "current" must be the name of a profile`);
  }
  for (const [name, profile] of Object.entries(profiles)) {
    checkProfile(`${path}: profile "${name}"`, profile);
  }
  return { ...config, profiles };
}

/** The type of each setting a profile may hold. */
const PROFILE_KEYS: Readonly<Record<keyof Profile, "string" | "boolean">> = {
  url: "string",
  username: "string",
  caFile: "string",
  insecure: "boolean",
  kerberos: "boolean",
};

/** Refuses a profile with a setting that is none, or a value of the wrong type. */
function checkProfile(what: string, profile: object): void {
  for (const [key, value] of Object.entries(profile)) {
    const type = Object.hasOwn(PROFILE_KEYS, key) ? PROFILE_KEYS[key as keyof Profile] : undefined;
    if (type === undefined) {
      throw new UsageError(
        `${what}: "${key}" is not a setting (${Object.keys(PROFILE_KEYS).join(", ")})`,
      );
    }
    const fits = type === "boolean" ? typeof value === "boolean" : typeof value === "string";
    if (!fits) {
      throw new UsageError(
        `${what}: "${key}" must be ${type === "boolean" ? "true or false" : "a string"}, ` +
          `not ${JSON.stringify(value)}`,
      );
    }
  }
}

/** The profile `name` of `config`, if it has one (its own: `constructor` is no profile). */
export function profileOf(config: ConfigFile, name: string): Profile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the config file, lets `change` change it, and writes it (see {@link writeConfig}),
 * all while holding a lock (`config.json.lock` beside it): two `ovirt profile` commands at
 * once each keep their change, where both would read the file before either wrote it.
 * Resolves to the file's path; nothing is written when `change` throws.
 */
export async function updateConfig(
  env: Env,
  change: (config: ConfigFile) => void,
): Promise<string> {
  const dir = configDir(env);
  if (dir === undefined) throw nowhereToWrite("the profile", "XDG_CONFIG_HOME");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  using lock = await Deno.open(`${dir}/config.json.lock`, {
    create: true,
    write: true,
    mode: 0o600,
  });
  await lock.lock(true);
  const config = await readConfig(env);
  change(config);
  return await writeConfig(env, config);
}

/**
 * Writes the config file (mode 0600, its folder 0700) in place of the one before in one
 * step: a command reading it meanwhile gets the old file or the new one, never part of one.
 */
export async function writeConfig(env: Env, config: ConfigFile): Promise<string> {
  const dir = configDir(env);
  if (dir === undefined) throw nowhereToWrite("the profile", "XDG_CONFIG_HOME");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/config.json`;
  await replacePrivateFile(path, JSON.stringify(config, null, 2) + "\n");
  return path;
}

/** Connection settings given on the command line. */
export interface SettingFlags {
  /** `--profile`. */
  profile?: string;
  /** `--url`. */
  url?: string;
  /** `--username`. */
  username?: string;
  /** `--ca-file`. */
  caFile?: string;
  /** `--insecure`. */
  insecure?: boolean;
  /** `--kerberos`. */
  kerberos?: boolean;
}

/** The settings in force and the profile they came from. */
export interface Settings extends Profile {
  /** The profile used, if any. */
  profileName?: string;
}

/**
 * Flags over `OVIRT_*` variables over the profile (named, or the config's current one), but a
 * profile named with `-p` or `OVIRT_PROFILE` and an `OVIRT_URL` of another engine are refused
 * (see {@link checkChosenEngine}). An empty variable counts as unset; `--no-insecure` overrides `OVIRT_INSECURE=1` and a
 * profile's `insecure`, `--no-kerberos` `OVIRT_KERBEROS=1` and a profile's `kerberos`. The URL must be an http or https URL without a user or password.
 */
export async function resolveSettings(flags: SettingFlags, env: Env): Promise<Settings> {
  const variable = (name: string) => env(name) || undefined;
  const config = await readConfig(env);
  const chosen = flags.profile ?? variable("OVIRT_PROFILE");
  const profileName = chosen ?? config.current;
  let profile: Profile = {};
  if (profileName !== undefined) {
    const found = profileOf(config, profileName);
    if (!found) {
      const known = Object.keys(config.profiles).join(", ") || "none";
      throw new UsageError(`No profile "${profileName}" (known: ${known})`);
    }
    profile = found;
  }
  if (chosen !== undefined && flags.url === undefined) {
    checkChosenEngine(chosen, profile.url, variable("OVIRT_URL"));
  }
  const [insecure, insecureSource] = flags.insecure !== undefined
    ? [flags.insecure, "--insecure"]
    : variable("OVIRT_INSECURE") !== undefined
    ? [insecureSetting(variable("OVIRT_INSECURE"))!, "OVIRT_INSECURE"]
    : [profile.insecure === true, `the insecure setting of profile "${profileName}"`];
  const [url, source] = flags.url !== undefined
    ? [flags.url, "--url"]
    : variable("OVIRT_URL") !== undefined
    ? [variable("OVIRT_URL")!, "OVIRT_URL"]
    : [profile.url, `the url of profile "${profileName}"`];
  const [caFile, caSource] = flags.caFile !== undefined
    ? [flags.caFile, "--ca-file"]
    : variable("OVIRT_CA_FILE") !== undefined
    ? [variable("OVIRT_CA_FILE")!, "OVIRT_CA_FILE"]
    : [profile.caFile, `the caFile of profile "${profileName}"`];
  if (insecure && caFile !== undefined) {
    // A CA says whom to trust; insecure would trust anyone instead, without a word.
    throw new UsageError(
      `${insecureSource} turns certificate checks off, so the CA file (${caSource}) would not ` +
        "be used: drop one of them (--no-insecure overrides OVIRT_INSECURE and a profile)",
    );
  }
  if (caFile !== undefined) await checkCaFile(caFile, caSource);
  const kerberos = flags.kerberos ??
    switchVariable("OVIRT_KERBEROS", variable("OVIRT_KERBEROS"), "log in with Kerberos") ??
    profile.kerberos === true;
  const settings: Settings = {
    url: url === undefined ? undefined : checkEngineUrl(url, source),
    username: flags.username ?? variable("OVIRT_USERNAME") ?? profile.username,
    caFile,
    ...(insecure ? { insecure } : {}),
    ...(kerberos ? { kerberos } : {}),
    ...(profileName !== undefined ? { profileName } : {}),
  };
  for (const key of Object.keys(settings) as (keyof Settings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  return settings;
}

/**
 * Refuses (exit 2, before anything is sent) a profile chosen by name (`-p`, `OVIRT_PROFILE`)
 * whose engine is not the one `OVIRT_URL` names: a variable left in the shell would otherwise
 * send the command, a removal too, to another engine than the one asked for. Only the engine
 * is checked: another user name on the right engine fails at its login.
 */
function checkChosenEngine(name: string, profileUrl?: string, variableUrl?: string): void {
  if (profileUrl === undefined || variableUrl === undefined) return;
  if (sameUrl(profileUrl, variableUrl)) return;
  throw new UsageError(
    `OVIRT_URL says ${shownUrl(variableUrl)}, profile "${name}" says ${shownUrl(profileUrl)}: ` +
      "unset one",
  );
}

/** Whether two engine URLs are the same but for trailing slashes. */
function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/**
 * Refuses (exit 2, before anything is sent) a CA file that cannot be read, naming where it
 * was given (`--ca-file`, `OVIRT_CA_FILE`, a profile) and why.
 */
async function checkCaFile(path: string, source: string): Promise<void> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a file");
    await Deno.readFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : (error as Error).message;
    const relative = path.startsWith("/") ? "" : ` (relative to ${Deno.cwd()})`;
    throw new UsageError(`Cannot read the CA file "${path}" of ${source}${relative}: ${reason}`);
  }
}

/** `OVIRT_INSECURE` as the SDK's scripts read it; a value it refuses is a usage error. */
function insecureSetting(text: string | undefined): boolean | undefined {
  try {
    return insecureVariable(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The on/off variable `name` (as `OVIRT_INSECURE` is read: `1`, `true`, `yes`, `0`, `false`,
 * `no`, in any case), `on` saying what 1 does; unset is undefined, anything else exit 2.
 */
function switchVariable(name: string, text: string | undefined, on: string): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new UsageError(
    `${name} must be 1 (${on}) or 0 (also true/yes, false/no), not ${JSON.stringify(text)}`,
  );
}

/**
 * `url` if it can be the engine's API URL: http or https, and without a user name or
 * password in it (which would be shown in messages and kept in files; the password belongs
 * to `ovirt login` or OVIRT_PASSWORD). Otherwise a usage error that names `source` (`--url`,
 * `OVIRT_URL`) and does not show the URL.
 */
export function checkEngineUrl(url: string, source: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch { /* said below */ }
  if (parsed?.protocol !== "https:" && parsed?.protocol !== "http:") {
    throw new UsageError(
      `${source} must be the API's http or https URL, such as ` +
        "https://engine.example.com/ovirt-engine/api",
    );
  }
  // An @ anywhere may end a password that holds / ? or # (https://admin:12#pw@engine parses
  // as the host admin, port 12): refused as well, the way shownUrl hides it.
  if (parsed.username !== "" || parsed.password !== "" || url.includes("@")) {
    throw new UsageError(
      `${source}: a URL with a user name or password in it (user:password@) is refused; ` +
        "give the user with --username, the password with ovirt login or OVIRT_PASSWORD",
    );
  }
  return url;
}

/**
 * `url` as it may be shown: a user name and password in it replaced by `***`. Any `@` after
 * the scheme counts as the end of a user and password, the last one as the end of them all
 * (`https://admin:pa/ss@engine/...` and `https://admin:12#ss@engine` show as
 * `https://***@engine...`): a password may hold `/`, `?`, `#` and `@`, so the URL parser's
 * reading cannot be trusted to find where it ends, and hiding too much is better than
 * showing any of it.
 */
export function shownUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const scheme = url.indexOf("://");
  const start = scheme < 0 ? 0 : scheme + 3;
  const at = url.lastIndexOf("@");
  return at < start ? url : `${url.slice(0, start)}***${url.slice(at)}`;
}

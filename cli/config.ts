/**
 * Where the engine is and who the user is: named profiles in
 * `$XDG_CONFIG_HOME/ovirt/config.json`, overridden by the `OVIRT_*` variables, overridden
 * by flags.
 *
 * @module
 */

import { CliError, EXIT, UsageError } from "./errors.ts";

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

/** The directory of the config file: `$XDG_CONFIG_HOME/ovirt` or `~/.config/ovirt`. */
export function configDir(env: Env): string {
  return `${xdg(env, "XDG_CONFIG_HOME", ".config")}/ovirt`;
}

/** The directory of cached sessions: `$XDG_CACHE_HOME/ovirt` or `~/.cache/ovirt`. */
export function cacheDir(env: Env): string {
  return `${xdg(env, "XDG_CACHE_HOME", ".cache")}/ovirt`;
}

function xdg(env: Env, variable: string, fallback: string): string {
  const set = env(variable);
  if (set) return set;
  const home = env("HOME");
  if (!home) throw new CliError(`Neither ${variable} nor HOME is set`, EXIT.FAILURE);
  return `${home}/${fallback}`;
}

/** Reads the config file; a missing file is an empty config. */
export async function readConfig(env: Env): Promise<ConfigFile> {
  const path = `${configDir(env)}/config.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { profiles: {} };
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const config = parsed as Partial<ConfigFile>;
  if (!isRecord(config)) throw new CliError(`${path} must hold a JSON object`);
  const profiles = config.profiles ?? {};
  if (!isRecord(profiles) || !Object.values(profiles).every(isRecord)) {
    throw new CliError(`${path}: "profiles" must map each name to an object of settings`);
  }
  return { ...config, profiles };
}

/** The profile `name` of `config`, if it has one (its own: `constructor` is no profile). */
export function profileOf(config: ConfigFile, name: string): Profile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Writes the config file (mode 0600, its folder 0700). */
export async function writeConfig(env: Env, config: ConfigFile): Promise<string> {
  const dir = configDir(env);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/config.json`;
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
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
}

/** The settings in force and the profile they came from. */
export interface Settings extends Profile {
  /** The profile used, if any. */
  profileName?: string;
}

/**
 * Flags over `OVIRT_*` variables over the profile (named, or the config's current one). An
 * empty variable counts as unset; `--no-insecure` overrides `OVIRT_INSECURE=1` and a
 * profile's `insecure`. The URL must be an http or https URL without a user or password.
 */
export async function resolveSettings(flags: SettingFlags, env: Env): Promise<Settings> {
  const variable = (name: string) => env(name) || undefined;
  const config = await readConfig(env);
  const profileName = flags.profile ?? variable("OVIRT_PROFILE") ?? config.current;
  let profile: Profile = {};
  if (profileName !== undefined) {
    const found = profileOf(config, profileName);
    if (!found) {
      const known = Object.keys(config.profiles).join(", ") || "none";
      throw new UsageError(`No profile "${profileName}" (known: ${known})`);
    }
    profile = found;
  }
  const insecure = flags.insecure ?? insecureVariable(variable("OVIRT_INSECURE")) ??
    profile.insecure === true;
  const [url, source] = flags.url !== undefined
    ? [flags.url, "--url"]
    : variable("OVIRT_URL") !== undefined
    ? [variable("OVIRT_URL")!, "OVIRT_URL"]
    : [profile.url, `the url of profile "${profileName}"`];
  const settings: Settings = {
    url: url === undefined ? undefined : checkEngineUrl(url, source),
    username: flags.username ?? variable("OVIRT_USERNAME") ?? profile.username,
    caFile: flags.caFile ?? variable("OVIRT_CA_FILE") ?? profile.caFile,
    ...(insecure ? { insecure } : {}),
    ...(profileName !== undefined ? { profileName } : {}),
  };
  for (const key of Object.keys(settings) as (keyof Settings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  return settings;
}

/** `OVIRT_INSECURE`: 1, true or yes; 0, false or no; unset. */
function insecureVariable(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new UsageError(`OVIRT_INSECURE must be 1 (skip TLS checks) or 0, not "${text}"`);
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
  if (parsed.username !== "" || parsed.password !== "") {
    throw new UsageError(
      `${source}: a URL with a user name or password in it (user:password@) is refused; ` +
        "give the user with --username, the password with ovirt login or OVIRT_PASSWORD",
    );
  }
  return url;
}

/** `url` as it may be shown: a user name and password in it replaced by `***`. */
export function shownUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const at = url.indexOf("@");
  const scheme = url.indexOf("://");
  if (at < 0 || scheme < 0) return url;
  const end = url.slice(scheme + 3).search(/[/?#]/);
  const authorityEnd = end < 0 ? url.length : scheme + 3 + end;
  const userinfoEnd = url.lastIndexOf("@", authorityEnd);
  return userinfoEnd > scheme ? `${url.slice(0, scheme + 3)}***${url.slice(userinfoEnd)}` : url;
}

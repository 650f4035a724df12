/**
 * `ovirt profile`: named connection settings in `$XDG_CONFIG_HOME/ovirt/config.json`.
 * `list`, `show [NAME]`,
 * `set NAME --url ... [--username ...] [--ca-file ...] [--insecure] [--kerberos]`,
 * `use NAME`, `remove NAME`. Passwords are never stored: use `ovirt login`.
 *
 * @module
 */

import {
  checkEngineUrl,
  type ConfigFile,
  type Profile,
  profileOf,
  readConfig,
  shownUrl,
  updateConfig,
} from "./config.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import type { OptionSpec, ParsedFlags } from "./options.ts";
import { render } from "./output/render.ts";

/** Help of `ovirt profile`. */
export const PROFILE_HELP = `Usage: ovirt profile list
       ovirt profile show [NAME]
       ovirt profile set NAME --url URL [--username USER] [--ca-file FILE] [--insecure]
                         [--kerberos]
       ovirt profile use NAME
       ovirt profile remove NAME

Profiles live in $XDG_CONFIG_HOME/ovirt/config.json (~/.config/ovirt/config.json). The
current profile applies when neither --profile nor OVIRT_PROFILE names one; flags and
OVIRT_* variables override its settings. Passwords are not stored: use ovirt login.
--kerberos makes the profile log in with your Kerberos ticket (kinit; ovirt login, and any
command whose session has ended, log in with it without a password); --no-kerberos drops it.
A profile's name is letters, digits, ".", "_", "-" and "@", starting with a letter or digit;
its --url the API's http or https URL, without a user or password in it.
`;

/** The flags of `ovirt profile set`: the settings it saves (not those of a connection). */
export const PROFILE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: { type: "string" },
  username: { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
  kerberos: { type: "boolean" },
};

/** What a new profile may be named. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** `profile` as shown: a password in a URL written into the file by hand is not. */
function shown(profile: Profile | undefined): Profile {
  const url = shownUrl(profile?.url);
  return { ...profile, ...(url === undefined ? {} : { url }) };
}

/** Runs `ovirt profile`. */
export async function runProfile(context: Context, args: ParsedFlags): Promise<void> {
  const values = args.values as ProfileFlags;
  const { positionals } = args;
  const [action = "list", name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`ovirt profile: unexpected argument "${extra[0]}"`);
  const need = () => {
    if (!name) throw new UsageError(`ovirt profile ${action}: give a profile name`);
    return name;
  };
  const existing = (config: ConfigFile) => {
    const profile = profileOf(config, need());
    if (!profile) throw new UsageError(`No profile "${name}"`);
    return profile;
  };
  switch (action) {
    case "list": {
      const config = await readConfig(context.env);
      const rows = Object.entries(config.profiles).map(([key, profile]) => ({
        name: key,
        current: key === config.current ? "*" : "",
        ...shown(profile),
      }));
      context.out(render(rows, undefined, {
        ...context.output,
        columns: context.output.columns ?? ["current", "name", "url", "username"],
      }));
      return;
    }
    case "show": {
      const config = await readConfig(context.env);
      const key = name ?? config.current;
      if (!key) throw new UsageError("ovirt profile show: no current profile; give a name");
      if (!profileOf(config, key)) throw new UsageError(`No profile "${key}"`);
      context.out(
        render({ name: key, ...shown(profileOf(config, key)) }, undefined, context.output),
      );
      return;
    }
    case "set": {
      const path = await updateConfig(context.env, (config) => {
        config.profiles[need()] = changedProfile(name!, profileOf(config, name!), values);
        config.current ??= name;
      });
      context.err(`Profile "${name}" saved in ${path}\n`);
      return;
    }
    case "use":
      await updateConfig(context.env, (config) => {
        existing(config);
        config.current = name;
      });
      return;
    case "remove":
      await updateConfig(context.env, (config) => {
        existing(config);
        delete config.profiles[name!];
        if (config.current === name) delete config.current;
      });
      return;
  }
  throw new UsageError(`ovirt profile: unknown action "${action}"; see ovirt profile --help`);
}

/** The flags `ovirt profile set` saves. */
interface ProfileFlags {
  url?: string;
  username?: string;
  "ca-file"?: string;
  insecure?: boolean;
  kerberos?: boolean;
}

/** Profile `name` (`before` it had one) with what `values` of `ovirt profile set` change. */
function changedProfile(name: string, before: Profile | undefined, values: ProfileFlags): Profile {
  const profile: Profile = { ...before };
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(
      `ovirt profile set: "${name}" cannot name a profile: use letters, digits, ".", "_", ` +
        `"-" and "@", starting with a letter or digit`,
    );
  }
  if (values.url !== undefined) {
    profile.url = checkEngineUrl(values.url, `ovirt profile set ${name}: --url`);
  }
  if (values.username !== undefined) profile.username = values.username;
  // Kept absolute: the profile is used from other folders; `--ca-file ""` drops it.
  if (values["ca-file"] === "") delete profile.caFile;
  else if (values["ca-file"] !== undefined) profile.caFile = absolute(values["ca-file"]);
  if (values.insecure !== undefined) profile.insecure = values.insecure;
  if (values.kerberos === false) delete profile.kerberos;
  else if (values.kerberos) profile.kerberos = true;
  if (!profile.url) throw new UsageError(`ovirt profile set ${name}: give --url`);
  if (profile.insecure && profile.caFile !== undefined) {
    throw new UsageError(
      `ovirt profile set ${name}: insecure turns certificate checks off, so its CA file ` +
        'would not be used: keep one of them (--no-insecure drops insecure, --ca-file "" the CA file)',
    );
  }
  return profile;
}

/** `path` made absolute against the current folder (`ca.pem` → `/home/me/ca.pem`). */
function absolute(path: string): string {
  if (path.startsWith("/") || path === "") return path;
  return `${Deno.cwd().replace(/\/$/, "")}/${path}`;
}

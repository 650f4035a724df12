/**
 * `ovirt profile`: named connection settings in `$XDG_CONFIG_HOME/ovirt/config.json`.
 * `list`, `show [NAME]`, `set NAME --url ... [--username ...] [--ca-file ...] [--insecure]`,
 * `use NAME`, `remove NAME`. Passwords are never stored: use `ovirt login`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Profile, profileOf, readConfig, writeConfig } from "./config.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { GLOBAL_OPTIONS } from "./options.ts";
import { render } from "./output/render.ts";

/** Help of `ovirt profile`. */
export const PROFILE_HELP = `Usage: ovirt profile list
       ovirt profile show [NAME]
       ovirt profile set NAME --url URL [--username USER] [--ca-file FILE] [--insecure]
       ovirt profile use NAME
       ovirt profile remove NAME

Profiles live in $XDG_CONFIG_HOME/ovirt/config.json (~/.config/ovirt/config.json). The
current profile applies when neither --profile nor OVIRT_PROFILE names one; flags and
OVIRT_* variables override its settings. Passwords are not stored: use ovirt login.
A profile's name is letters, digits, ".", "_", "-" and "@", starting with a letter or digit;
its --url the API's http or https URL.
`;

/** What a new profile may be named. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** `url` when it is an http or https URL; a usage error (not showing it) otherwise. */
function checkedUrl(name: string, url: string): string {
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch { /* said below */ }
  if (protocol !== "https:" && protocol !== "http:") {
    // Not shown: a URL may carry a password.
    throw new UsageError(
      `ovirt profile set ${name}: --url must be the API's http or https URL, such as ` +
        "https://engine.example.com/ovirt-engine/api",
    );
  }
  return url;
}

/** Runs `ovirt profile`. */
export async function runProfile(context: Context, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: GLOBAL_OPTIONS,
    allowPositionals: true,
    allowNegative: true,
  });
  const [action = "list", name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`ovirt profile: unexpected argument "${extra[0]}"`);
  const config = await readConfig(context.env);
  const need = () => {
    if (!name) throw new UsageError(`ovirt profile ${action}: give a profile name`);
    return name;
  };
  const existing = () => {
    const profile = profileOf(config, need());
    if (!profile) throw new UsageError(`No profile "${name}"`);
    return profile;
  };
  switch (action) {
    case "list": {
      const rows = Object.entries(config.profiles).map(([key, profile]) => ({
        name: key,
        current: key === config.current ? "*" : "",
        ...profile,
      }));
      context.out(render(rows, undefined, {
        ...context.output,
        columns: context.output.columns ?? ["current", "name", "url", "username"],
      }));
      return;
    }
    case "show": {
      const key = name ?? config.current;
      if (!key) throw new UsageError("ovirt profile show: no current profile; give a name");
      if (name !== undefined) existing();
      context.out(render({ name: key, ...profileOf(config, key) }, undefined, context.output));
      return;
    }
    case "set": {
      const profile: Profile = { ...profileOf(config, need()) };
      if (!PROFILE_NAME.test(name!)) {
        throw new UsageError(
          `ovirt profile set: "${name}" cannot name a profile: use letters, digits, ".", "_", ` +
            `"-" and "@", starting with a letter or digit`,
        );
      }
      if (values.url !== undefined) profile.url = checkedUrl(name!, values.url);
      if (values.username !== undefined) profile.username = values.username;
      if (values["ca-file"] !== undefined) profile.caFile = values["ca-file"];
      if (values.insecure !== undefined) profile.insecure = values.insecure;
      if (!profile.url) throw new UsageError(`ovirt profile set ${name}: give --url`);
      config.profiles[name!] = profile;
      config.current ??= name;
      const path = await writeConfig(context.env, config);
      context.err(`Profile "${name}" saved in ${path}\n`);
      return;
    }
    case "use":
      existing();
      config.current = name;
      await writeConfig(context.env, config);
      return;
    case "remove":
      existing();
      delete config.profiles[name!];
      if (config.current === name) delete config.current;
      await writeConfig(context.env, config);
      return;
  }
  throw new UsageError(`ovirt profile: unknown action "${action}"; see ovirt profile --help`);
}

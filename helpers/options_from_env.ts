/**
 * Connection options from command-line flags and environment variables, the way
 * the examples (and most automation scripts) take them.
 *
 * @example
 * ```ts
 * import { Connection, connectionOptionsFromEnv } from "@ovirt/sdk";
 *
 * // deno run --allow-net --allow-env --allow-read script.ts --url https://engine/ovirt-engine/api
 * await using connection = new Connection(connectionOptionsFromEnv());
 * ```
 *
 * @module
 */

import type { ConnectionOptions } from "../transport/connection.ts";
import { OvirtError } from "../transport/errors.ts";
import { envValue } from "../transport/env_value.ts";

const FLAGS: Readonly<Record<string, "url" | "username" | "password" | "caFile">> = {
  "--url": "url",
  "--username": "username",
  "--password": "password",
  "--ca-file": "caFile",
};

/** Whether `arg` is one of the flags read here (`--password`, `--insecure=false`...). */
function isOurFlag(arg: string): boolean {
  const flag = arg.split("=", 1)[0];
  return flag in FLAGS || flag === "--insecure" || flag === "--no-insecure";
}

/**
 * A word that reads as the value of a switch (`--insecure false`): the flag takes none, so
 * it would be left over while the switch turned the checks off.
 */
const SWITCH_WORD = /^(true|false|yes|no|on|off|1|0)$/i;

const VARIABLES = {
  url: "OVIRT_URL",
  username: "OVIRT_USERNAME",
  password: "OVIRT_PASSWORD",
  caFile: "OVIRT_CA_FILE",
} as const;

/**
 * Builds connection options from `--url`, `--username`, `--password`, `--ca-file` and
 * `--insecure` (`--insecure=false` and `--no-insecure`, as the `ovirt` command spells it, keep
 * verification on; the last of them decides; `--insecure false`, with a space, is refused as
 * ambiguous) in `args`, falling back to
 * `OVIRT_URL`, `OVIRT_USERNAME`, `OVIRT_PASSWORD`, `OVIRT_CA_FILE` and `OVIRT_INSECURE` (`1`,
 * `true` or `yes` turn the checks off; `0`, `false` or `no` keep them; anything else is refused).
 * Prefer the variable for the password: flags show in process listings. Unknown flags are
 * left for the script. A variable is read only for a value no flag gave (`OVIRT_CA_FILE` and
 * `OVIRT_INSECURE` also to refuse a contradiction with `--insecure` or `--ca-file`), and
 * `OVIRT_CA_FILE` and `OVIRT_INSECURE` count as unset when the script may not read them: run
 * without a terminal (or with `--no-prompt`), a script given everything as flags needs no
 * `--allow-env`.
 */
export function connectionOptionsFromEnv(
  args: readonly string[] = Deno.args,
  env: (name: string) => string | undefined = envValue,
): ConnectionOptions {
  const found: Partial<Record<"url" | "username" | "password" | "caFile", string>> = {};
  let insecureFlag: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === "--insecure") {
      if (inline === undefined && SWITCH_WORD.test(args[i + 1] ?? "")) {
        throw new OvirtError(
          `--insecure takes no separate value (${JSON.stringify(args[i + 1])} after it is ` +
            "ambiguous): write --insecure=false or --no-insecure to keep certificate checks " +
            "on, --insecure alone to turn them off",
        );
      }
      insecureFlag = inline === undefined || switchValue(flag, inline);
      continue;
    }
    if (flag === "--no-insecure") {
      if (inline !== undefined) throw new OvirtError("--no-insecure takes no value");
      insecureFlag = false;
      continue;
    }
    const key = FLAGS[flag];
    if (!key) continue;
    const value = inline ?? args[++i];
    // `--username --password x`: the next flag is no user name.
    if (value === undefined || (inline === undefined && isOurFlag(value))) {
      throw new OvirtError(`${flag} needs a value`);
    }
    found[key] = value;
  }
  // A variable is read only when no flag gave its value, and an optional one the script may
  // not read counts as unset: a script given every value as a flag needs no --allow-env.
  const optional = (name: string) => {
    try {
      return env(name);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) return undefined;
      throw error;
    }
  };
  const insecureText = insecureFlag === undefined ? optional("OVIRT_INSECURE") : undefined;
  const insecure = insecureFlag ?? insecureVariable(insecureText) ?? false;
  const insecureFrom = insecureFlag === undefined ? `OVIRT_INSECURE=${insecureText}` : "--insecure";
  const caFileFrom = found.caFile ? "--ca-file" : "OVIRT_CA_FILE";
  found.caFile ??= optional(VARIABLES.caFile);
  for (const key of ["url", "username", "password"] as const) found[key] ??= env(VARIABLES[key]);
  if (insecure && found.caFile) {
    throw new OvirtError(
      `${insecureFrom} turns certificate checks off, so the CA file of ${caFileFrom} would not ` +
        "be used: drop one of them (--insecure=false, or an empty OVIRT_CA_FILE)",
    );
  }
  if (!found.url) {
    throw new OvirtError(
      "No engine URL: pass --url https://engine.example.com/ovirt-engine/api or set OVIRT_URL",
    );
  }
  if (!found.username || found.password === undefined) {
    throw new OvirtError(
      "No credentials: set OVIRT_USERNAME and OVIRT_PASSWORD (or --username/--password)",
    );
  }
  return {
    url: found.url,
    username: found.username,
    password: found.password,
    ...(found.caFile ? { caFile: found.caFile } : {}),
    ...(insecure ? { insecure } : {}),
  };
}

/**
 * The value of `OVIRT_INSECURE`, read as the `ovirt` command reads it: `1`, `true` or `yes`
 * turn certificate checks off, `0`, `false` or `no` keep them (in any case); unset or empty
 * says nothing. Anything else is refused with an {@link OvirtError}.
 */
export function insecureVariable(text: string | undefined): boolean | undefined {
  if (text === undefined || text === "") return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new OvirtError(
    `OVIRT_INSECURE must be 1 (skip TLS checks) or 0 (also true/yes, false/no), not ${
      JSON.stringify(text)
    }`,
  );
}

/** The value of a switch spelled out (`--insecure=false`): `true`/`1` or `false`/`0`. */
function switchValue(flag: string, text: string): boolean {
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new OvirtError(`${flag} takes true or false, not ${JSON.stringify(text)}`);
}

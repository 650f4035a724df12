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

const FLAGS: Readonly<Record<string, "url" | "username" | "password" | "caFile">> = {
  "--url": "url",
  "--username": "username",
  "--password": "password",
  "--ca-file": "caFile",
};

/** Whether `arg` is one of the flags read here (`--password`, `--insecure=false`...). */
function isOurFlag(arg: string): boolean {
  const flag = arg.split("=", 1)[0];
  return flag in FLAGS || flag === "--insecure";
}

const VARIABLES = {
  url: "OVIRT_URL",
  username: "OVIRT_USERNAME",
  password: "OVIRT_PASSWORD",
  caFile: "OVIRT_CA_FILE",
} as const;

/**
 * Builds connection options from `--url`, `--username`, `--password`, `--ca-file` and
 * `--insecure` (`--insecure=false` keeps verification on) in `args`, falling back to
 * `OVIRT_URL`, `OVIRT_USERNAME`, `OVIRT_PASSWORD`, `OVIRT_CA_FILE` and `OVIRT_INSECURE` (`1`,
 * `true` or `yes` turn the checks off; `0`, `false` or `no` keep them; anything else is refused).
 * Prefer the variable for the password: flags show in process listings. Unknown flags are
 * left for the script.
 */
export function connectionOptionsFromEnv(
  args: readonly string[] = Deno.args,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ConnectionOptions {
  const found: Partial<Record<"url" | "username" | "password" | "caFile", string>> = {};
  const insecureText = env("OVIRT_INSECURE");
  let insecure = insecureVariable(insecureText) ?? false;
  let insecureFrom = `OVIRT_INSECURE=${insecureText}`;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === "--insecure") {
      insecure = inline === undefined || switchValue(flag, inline);
      insecureFrom = "--insecure";
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
  const caFileFrom = found.caFile ? "--ca-file" : "OVIRT_CA_FILE";
  for (const key of Object.keys(VARIABLES) as (keyof typeof VARIABLES)[]) {
    found[key] ??= env(VARIABLES[key]);
  }
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

/** The value of a switch spelled out (`--insecure=false`): `true`/`1` or `false`/`0`. */
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
    `OVIRT_INSECURE must be 1 (skip TLS checks) or 0, not ${JSON.stringify(text)}`,
  );
}

function switchValue(flag: string, text: string): boolean {
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new OvirtError(`${flag} takes true or false, not ${JSON.stringify(text)}`);
}

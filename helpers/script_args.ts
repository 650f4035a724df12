/**
 * The command line of an automation script, read strictly: an unknown flag, a flag without
 * its value or a value of the wrong shape ends the script with one line on stderr (what is
 * wrong, then the usage) and exit code 2, before anything is sent. The flags that
 * `connectionOptionsFromEnv` reads (`--url`, `--username`, `--password`, `--ca-file`,
 * `--insecure`, `--insecure=false`, `--no-insecure`) are always accepted, and a script's own
 * flag may not take one of their names. A word after the password's value is refused without
 * being shown (it is likely the rest of the password).
 *
 * @example
 * ```ts
 * import { Connection, connectionOptionsFromEnv, scriptArgs } from "@ovirt/sdk";
 *
 * const { values, usage, integer } = scriptArgs("Usage: remove_vms.ts --name PATTERN [--max 10]", {
 *   name: { type: "string" },
 *   max: { type: "string", default: "10" },
 * });
 * if (!values.name) usage("Name the VMs with --name");
 * const max = integer("max", values.max);
 * await using connection = new Connection(connectionOptionsFromEnv());
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { OvirtError } from "../transport/errors.ts";

/** One flag of a script: a string or a switch, perhaps repeated, perhaps with a default. */
export interface ScriptFlag {
  /** `string` for `--flag VALUE`, `boolean` for a switch (`--no-flag` is refused). */
  readonly type: "string" | "boolean";
  /** Whether the flag may be given several times (its value is then a list). */
  readonly multiple?: boolean;
  /** The value when the flag is not given. */
  readonly default?: string | boolean | string[] | boolean[];
}

/** The value of a flag of type `F`: a string or a boolean, or a list of them. */
export type ScriptFlagValue<F extends ScriptFlag> = F["type"] extends "boolean"
  ? (F["multiple"] extends true ? boolean[] : boolean)
  : (F["multiple"] extends true ? string[] : string);

/** The values of flags `O`: those without a default may be `undefined`. */
export type ScriptValues<O extends Record<string, ScriptFlag>> = {
  [K in keyof O]: O[K] extends { default: unknown } ? ScriptFlagValue<O[K]>
    : ScriptFlagValue<O[K]> | undefined;
};

/** What {@link scriptArgs} read, and how to refuse more. */
export interface ScriptArgs<V> {
  /** The flags' values. */
  readonly values: V;
  /** Ends the script: `problem` and the usage on one line of stderr, exit code 2. */
  usage(problem: string): never;
  /** The whole number `text` of `--flag`, at least `min` (default 1); else {@link usage}. */
  integer(flag: string, text: string, min?: number): number;
}

/** The flags `connectionOptionsFromEnv` reads, accepted by every script. */
const CONNECTION_FLAGS = {
  url: { type: "string" },
  username: { type: "string" },
  password: { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
} as const;

/**
 * A script's flags that take none of the names of the flags `connectionOptionsFromEnv` reads
 * (TypeScript refuses them).
 */
export type OwnScriptFlags<O> = O & {
  readonly url?: never;
  readonly username?: never;
  readonly password?: never;
  readonly "ca-file"?: never;
  readonly insecure?: never;
  readonly "no-insecure"?: never;
};

/**
 * Refuses a script's own flag named like a connection flag: `connectionOptionsFromEnv` reads
 * that flag as its own, so the script's type and default would not hold at run time.
 */
function checkOwnNames(flags: Record<string, ScriptFlag>): void {
  for (const name of [...Object.keys(CONNECTION_FLAGS), "no-insecure"]) {
    if (Object.hasOwn(flags, name)) {
      throw new OvirtError(
        `scriptArgs: --${name} is a connection flag, read by connectionOptionsFromEnv and ` +
          "accepted by every script; give the script's own flag another name",
      );
    }
  }
}

/** A word that reads as the value of a switch (`--insecure false`), which takes none. */
const SWITCH_WORD = /^(true|false|yes|no|on|off|1|0)$/i;

/**
 * `args` with every `--insecure`, `--insecure=true` / `--insecure=false` (also `1` / `0`) and
 * `--no-insecure`, which `connectionOptionsFromEnv` reads, as one plain switch or none: the
 * last one given decides, as there; another value, or one after a space, is refused.
 */
function spelledOutSwitches(args: readonly string[], refuse: (problem: string) => never): string[] {
  const end = args.indexOf("--");
  let insecure: boolean | undefined;
  const rest = args.filter((arg, index) => {
    if (end >= 0 && index > end) return true;
    if (arg === "--insecure" && SWITCH_WORD.test(args[index + 1] ?? "")) {
      refuse(
        `--insecure takes no separate value (${JSON.stringify(args[index + 1])} after it is ` +
          "ambiguous): write --insecure=false or --no-insecure to keep certificate checks on, " +
          "--insecure alone to turn them off",
      );
    }
    if (arg === "--insecure") insecure = true;
    else if (arg === "--no-insecure") insecure = false;
    else if (!arg.startsWith("--insecure=")) return true;
    else {
      const value = arg.slice("--insecure=".length);
      if (value === "true" || value === "1") insecure = true;
      else if (value === "false" || value === "0") insecure = false;
      else refuse(`--insecure takes true or false, not ${JSON.stringify(value)}`);
    }
    return false;
  });
  return insecure ? ["--insecure", ...rest] : rest;
}

/**
 * Refuses a word right after the value of `--password` (`--password my secret`): most likely
 * the rest of a password with a space, so it is not shown.
 */
function checkPasswordEnd(args: readonly string[], refuse: (problem: string) => never): void {
  const end = args.indexOf("--");
  for (let index = 0; index < args.length && (end < 0 || index < end); index++) {
    const next = args[index + (args[index] === "--password" ? 2 : 1)];
    const isPassword = args[index] === "--password" || args[index].startsWith("--password=");
    // Scripts' flags are long ones: `-x` or a bare word is no flag.
    if (isPassword && next !== undefined && !next.startsWith("--")) {
      refuse("An unexpected word after --password (quote a password that holds spaces)");
    }
  }
}

/**
 * Reads `args` (default `Deno.args`) with `flags` and the connection's flags, strictly; ends
 * the script with `usage` (exit code 2) when they do not fit. Takes no positional words.
 * Throws an `OvirtError` when one of `flags` has a connection flag's name (`url`, `username`,
 * `password`, `ca-file`, `insecure`, `no-insecure`), which TypeScript refuses too.
 */
export function scriptArgs<const O extends Record<string, ScriptFlag>>(
  usage: string,
  flags: OwnScriptFlags<O>,
  args: readonly string[] = Deno.args,
): ScriptArgs<ScriptValues<O>> {
  checkOwnNames(flags);
  const refuse = (problem: string): never => {
    // One line: parseArgs' advice (`--flag=-value`) joined to the problem.
    console.error(`${problem.trim().replace(/\s*\n\s*/g, " ").replace(/\.$/, "")}. ${usage}`);
    Deno.exit(2);
  };
  checkPasswordEnd(args, refuse);
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: spelledOutSwitches(args, refuse),
      options: { ...flags, ...CONNECTION_FLAGS } as never,
      strict: true,
    }).values as Record<string, unknown>;
  } catch (error) {
    refuse((error as Error).message);
  }
  return {
    values: values! as ScriptValues<O>,
    usage: refuse,
    integer(flag, text, min = 1) {
      const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!(Number.isSafeInteger(value) && value >= min)) {
        refuse(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
      }
      return value;
    },
  };
}

/**
 * The flags every command takes, the flags of `--wait`, and durations (`30s`, `5m`).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { MAX_MILLISECONDS } from "../transport/options.ts";
import { UsageError } from "./errors.ts";

/** One `parseArgs` option. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string];

/** Flags of every command. */
export const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h" },
  output: { type: "string", short: "o" },
  columns: { type: "string", short: "c" },
  headers: { type: "boolean" },
  profile: { type: "string", short: "p" },
  url: { type: "string" },
  username: { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
  kerberos: { type: "boolean" },
  "request-timeout": { type: "string" },
  debug: { type: "boolean" },
  version: { type: "boolean" },
} as const satisfies Record<string, OptionSpec>;

/** Flags as `parseArgs` returned them: the command's own, and the global ones apart. */
export interface ParsedFlags {
  /** Values of the command's own flags. */
  readonly values: Record<string, unknown>;
  /** Values of the global flags given (those the command's own flags did not shadow). */
  readonly globals: Record<string, unknown>;
  /** The words that are not flags or their values. */
  readonly positionals: string[];
}

/**
 * Reads `args` strictly with the command's `own` flags and the global ones; where a flag of
 * the command has the name of a global flag (`--url` of a provider, `--version` of a
 * cluster), the command's wins.
 */
export function parseFlags(
  args: readonly string[],
  own: Readonly<Record<string, OptionSpec>> = {},
): ParsedFlags {
  const globalNames = Object.keys(GLOBAL_OPTIONS).filter((name) => !Object.hasOwn(own, name));
  const options: Record<string, OptionSpec> = { ...own };
  for (const name of globalNames) {
    options[name] = GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS];
  }
  const parsed = parseArgs({
    args: [...args],
    options: options as never,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
  }) as { values: Record<string, unknown>; positionals: string[] };
  const values: Record<string, unknown> = {};
  const globals: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    (globalNames.includes(name) ? globals : values)[name] = value;
  }
  return { values, globals, positionals: parsed.positionals };
}

/**
 * The index of the first of `args` from `start` that is not a global flag (or the value of
 * one): a word, `-`, `--`, or a flag of the command. `ovirt -o json vms list` has its noun at
 * 2, as `ovirt -ho json vms` (a group of short flags, the last one taking the next word) and
 * `ovirt -hojson vms` have at 1; in `ovirt vms --search x`, `--search` ends the global flags
 * after `vms`.
 */
export function globalFlagsEnd(args: readonly string[], start: number): number {
  let index = start;
  while (index < args.length) {
    const arg = args[index];
    if (arg === "--" || arg === "-" || !arg.startsWith("-")) return index;
    const taken = globalFlagWords(args[index]);
    if (taken === 0) return index;
    index += taken;
  }
  return Math.min(index, args.length);
}

/**
 * How many words the global flag `arg` takes with its value: 1 (`--debug`, `--url=U`,
 * `-hojson`), 2 (`--url U`, `-ho json`), or 0 when `arg` is not a global flag (or a group of
 * short global flags), as `--search` or `-w`.
 */
export function globalFlagWords(arg: string): number {
  if (arg.startsWith("--")) {
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    let spec = globalOption(name);
    if (!spec && name.startsWith("no-") && equals < 0) {
      const negated = globalOption(name.slice(3));
      if (negated?.type === "boolean") spec = negated;
    }
    if (!spec) return 0;
    return spec.type === "string" && equals < 0 ? 2 : 1;
  }
  // A group of short flags, as parseArgs reads it: booleans, then maybe one that takes a
  // value, the rest of the group or else the next word.
  for (let letter = 1; letter < arg.length; letter++) {
    const spec = Object.values(GLOBAL_OPTIONS).find((option) =>
      "short" in option && option.short === arg[letter]
    );
    if (!spec) return 0;
    if (spec.type === "string") return letter + 1 < arg.length ? 1 : 2;
  }
  return 1;
}

function globalOption(name: string): OptionSpec | undefined {
  return Object.hasOwn(GLOBAL_OPTIONS, name)
    ? GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS]
    : undefined;
}

/** Flags of commands that can wait: adds and actions. */
export const WAIT_OPTIONS = {
  wait: { type: "boolean", short: "w" },
  "wait-timeout": { type: "string" },
  "wait-interval": { type: "string" },
} as const satisfies Record<string, OptionSpec>;

/** What each global flag is for, for `--help`. */
export const GLOBAL_HELP: readonly (readonly [string, string])[] = [
  ["-o, --output FORMAT", "table (default), json, yaml, xml, csv or ids"],
  ["-c, --columns LIST", "columns of table and csv output, e.g. name,status,host"],
  ["--no-headers", "tables and csv without their header line"],
  ["-p, --profile NAME", "settings of a profile of the config file (or OVIRT_PROFILE)"],
  ["--url URL", "API root, https://engine/ovirt-engine/api (or OVIRT_URL)"],
  ["--username USER", "user with profile, admin@internal (or OVIRT_USERNAME)"],
  ["--ca-file FILE", "PEM CA certificate to trust (or OVIRT_CA_FILE)"],
  ["--insecure", "skip TLS verification (lab engines only; or OVIRT_INSECURE=1)"],
  ["--no-insecure", "verify TLS even if OVIRT_INSECURE=1 or the profile says insecure"],
  [
    "--kerberos",
    "log in with your Kerberos ticket (kinit), not a password (or OVIRT_KERBEROS=1; needs " +
    "--allow-ffi)",
  ],
  ["--no-kerberos", "a password login even if OVIRT_KERBEROS=1 or the profile says kerberos"],
  ["--request-timeout DURATION", "time limit of each request, e.g. 30s"],
  ["--debug", "log requests and answers on stderr, secrets hidden"],
  ["-h, --help", "help of any command"],
  ["--version", "the version of ovirt (the SDK's) and of Deno"],
];

/** Help of the wait flags. */
export const WAIT_HELP: readonly (readonly [string, string])[] = [
  [
    "-w, --wait",
    "wait until the status settles (start: up, add: not locked); exit 1 on failure (illegal...)",
  ],
  ["--wait-timeout DURATION", "give up waiting after this long (default 10m)"],
  ["--wait-interval DURATION", "time between two polls (default 2s)"],
];

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: `500ms`, `30s`, `5m`, `1h`; a bare number is seconds. At most
 * what a timer holds (about 24.8 days).
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--${flag}: "${text}" is not a duration such as 30s or 5m`);
  const millis = Math.round(Number(match[1]) * UNITS[match[2] ?? "s"]);
  if (millis > MAX_MILLISECONDS) {
    throw new UsageError(`--${flag}: "${text}" is longer than the longest wait, 596h`);
  }
  return millis;
}

/** The pause between two polls of `--flag`: a duration of more than 0, not to ask without rest. */
export function parseInterval(text: string, flag: string): number {
  const millis = parseDuration(text, flag);
  if (millis === 0) {
    throw new UsageError(
      `--${flag}: 0 would ask the engine without a pause; give more, such as 1s`,
    );
  }
  return millis;
}

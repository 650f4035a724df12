/**
 * The flags every command takes, the flags of `--wait`, and durations (`30s`, `5m`).
 *
 * @module
 */

import type { ParseArgsConfig } from "node:util";
import { MAX_MILLISECONDS } from "../transport/options.ts";
import { UsageError } from "./errors.ts";

/** One `parseArgs` option. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string];

/** Flags of every command. */
export const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h" },
  output: { type: "string", short: "o" },
  columns: { type: "string", short: "c" },
  headers: { type: "boolean", default: true },
  profile: { type: "string", short: "p" },
  url: { type: "string" },
  username: { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
  "request-timeout": { type: "string" },
  debug: { type: "boolean" },
  version: { type: "boolean" },
} as const satisfies Record<string, OptionSpec>;

/**
 * Refuses a global flag that takes a value but came without one (the first, lenient reading
 * of the command line lets it through as `true`), as the strict reading would.
 */
export function checkGlobalValues(values: Record<string, unknown>): void {
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) {
    if (spec.type !== "string" || values[name] === undefined || typeof values[name] === "string") {
      continue;
    }
    const short = "short" in spec ? `-${spec.short}, ` : "";
    throw new UsageError(`Option '${short}--${name} <value>' argument missing; see --help`);
  }
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
  ["--no-headers", "tables without their header line"],
  ["-p, --profile NAME", "settings of a profile of the config file (or OVIRT_PROFILE)"],
  ["--url URL", "API root, https://engine/ovirt-engine/api (or OVIRT_URL)"],
  ["--username USER", "user with profile, admin@internal (or OVIRT_USERNAME)"],
  ["--ca-file FILE", "PEM CA certificate to trust (or OVIRT_CA_FILE)"],
  ["--insecure", "skip TLS verification (lab engines only; or OVIRT_INSECURE=1)"],
  ["--request-timeout DURATION", "time limit of each request, e.g. 30s"],
  ["--debug", "log requests and answers on stderr, secrets hidden"],
  ["-h, --help", "help of any command"],
  ["--version", "the version of ovirt (the SDK's) and of Deno"],
];

/** Help of the wait flags. */
export const WAIT_HELP: readonly (readonly [string, string])[] = [
  ["-w, --wait", "wait until the object's status settles (start: up, add: not locked)"],
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

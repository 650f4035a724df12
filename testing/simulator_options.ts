/**
 * The options of a simulator, and their checks and those of {@link FaultOptions}: a name that
 * is not an option (a typo that would leave a fault uninjected) or a value that makes no sense
 * is refused with a `RangeError` naming the option, before anything starts or changes.
 *
 * @module
 */

import { meantName } from "../transport/option_names.ts";
import { MAX_MILLISECONDS } from "../transport/options.ts";
import { FAULT_OPTION_NAMES, type FaultOptions } from "./faults.ts";
import type { SsoErrorShape } from "./auth.ts";
import type { TlsMaterial } from "./tls.ts";
import { TRANSFER_QUIRK_NAMES, TRANSFER_STOPS, type TransferQuirks } from "./transfer_quirks.ts";

/** How to start a simulator. Every option has a default. */
export interface SimulatorOptions extends FaultOptions {
  /**
   * Serve HTTPS: `true` with a CA and server certificate made at start (`caCert` and `tls` on
   * the handle), or with those of another simulator (its `tls`), to start it again as the
   * same engine, which keeps its certificates across a restart.
   */
  tls?: boolean | TlsMaterial;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** User name with profile; `admin@internal` by default. */
  username?: string;
  /** The user's password; random by default. */
  password?: string;
  /** Start with only what a fresh engine has (no hosts, storage, extra templates or VMs). */
  empty?: boolean;
  /** How many VMs to seed (default 20). */
  vms?: number;
  /** Seed of ids and of injected faults, a whole number from 0 to 2^32 - 1 (default 1): the same seed gives the same ids. */
  seed?: number;
  /** Milliseconds one status lifecycle step takes (default 100; 0: the next request sees it). */
  delay?: number;
  /** Lifetime of SSO tokens in milliseconds (default: unlimited). */
  tokenLifetime?: number;
  /**
   * Milliseconds a job the engine ended `finished` stays listed before it clears it (default
   * 600,000: the engine's 10 minutes).
   */
  finishedJobsKept?: number;
  /**
   * Milliseconds a job the engine ended `failed` (or `aborted`) stays listed before it clears
   * it (default 3,600,000: the engine's hour).
   */
  failedJobsKept?: number;
  /** JSON shape of SSO errors: `"description"` (default) or `"code"` (protocol 5.1). */
  ssoErrorShape?: SsoErrorShape;
  /**
   * A keytab file with the `HTTP/<host>` service key: Kerberos logins (`Negotiate` at
   * `token-http-auth`) are then checked against it with the system's GSS-API (needs
   * `--allow-ffi`); without it they are refused.
   */
  keytab?: string;
  /**
   * Receives one line per request (method, path, status); no credentials (an image transfer's
   * path, which names its ticket, shows as `/[transfer path hidden]`).
   */
  log?: (line: string) => void;
  /** How image transfers misbehave (an older engine, an unreachable host...); none by default. */
  transfers?: TransferQuirks;
}

/** The names of the simulator's options besides the fault options (kept whole by `satisfies`). */
const OWN_OPTION_NAMES = Object.keys(
  {
    tls: true,
    port: true,
    username: true,
    password: true,
    empty: true,
    vms: true,
    seed: true,
    delay: true,
    tokenLifetime: true,
    finishedJobsKept: true,
    failedJobsKept: true,
    ssoErrorShape: true,
    keytab: true,
    log: true,
    transfers: true,
  } satisfies Record<Exclude<keyof SimulatorOptions, keyof FaultOptions>, true>,
);

/** Every name `startSimulator` takes. */
const SIMULATOR_OPTION_NAMES: readonly string[] = [...OWN_OPTION_NAMES, ...FAULT_OPTION_NAMES];

/** The largest seed: the random source keeps 32 bits, so a larger one would repeat a smaller one. */
const MAX_SEED = 2 ** 32 - 1;

/** Most VMs a simulator seeds (10,000 take about 180 MB). */
export const MAX_VMS = 100_000;

/** Refuses what `options` holds that no simulator can do. */
export function checkSimulatorOptions(options: SimulatorOptions): void {
  knownNames(options, SIMULATOR_OPTION_NAMES, "an option of the simulator");
  whole(options, "vms", 0, MAX_VMS);
  whole(options, "port", 0, 65_535);
  milliseconds(options, "delay", 0);
  milliseconds(options, "tokenLifetime", 1);
  milliseconds(options, "finishedJobsKept", 1);
  milliseconds(options, "failedJobsKept", 1);
  whole(options, "seed", 0, MAX_SEED);
  for (const name of ["username", "password"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      // What a password was given as is not shown, only what kind of value it is.
      const kind = value === "" ? "an empty string" : `a ${typeof value}`;
      refuse(name, "a non-empty string", value, name === "password" ? kind : undefined);
    }
  }
  const shape = options.ssoErrorShape;
  if (shape !== undefined && shape !== "description" && shape !== "code") {
    refuse("ssoErrorShape", '"description" or "code"', shape);
  }
  checkTls(options.tls);
  flag(options, "empty");
  if (options.keytab !== undefined && (typeof options.keytab !== "string" || !options.keytab)) {
    refuse("keytab", "the path of a keytab file", options.keytab);
  }
  if (options.log !== undefined && typeof options.log !== "function") {
    refuse("log", "a function", options.log);
  }
  if (options.transfers !== undefined) checkQuirks(options.transfers, "transfers.");
  checkFaultValues(options);
}

/** The parts of the TLS material a simulator serves HTTPS with. */
const TLS_PARTS = ["caCert", "cert", "key"] as const;

/** Refuses a `tls` that is neither a flag nor the three PEM texts of another simulator's `tls`. */
function checkTls(tls: SimulatorOptions["tls"]): void {
  if (tls === undefined || typeof tls === "boolean") return;
  if (typeof tls !== "object" || tls === null || Array.isArray(tls)) {
    refuse("tls", "true, false or another simulator's tls", tls);
  }
  knownNames(tls, TLS_PARTS, "a part of the simulator's tls", "tls.");
  for (const part of TLS_PARTS) {
    const value: unknown = tls[part];
    if (typeof value !== "string" || !value.startsWith("-----BEGIN ")) {
      // What was given is not shown (a private key), only what kind of value it is.
      const kind = value === undefined
        ? "undefined"
        : typeof value === "string"
        ? "a string without a PEM header"
        : `a ${value === null ? "null" : typeof value}`;
      refuse(`tls.${part}`, "a PEM text", value, kind);
    }
  }
}

/** Refuses what `quirks` (given to `setTransferQuirks`) holds that no quirk can be. */
export function checkTransferQuirks(quirks: TransferQuirks): void {
  checkQuirks(quirks, "");
}

/** Refuses what `quirks` holds that no quirk can be, naming each as `prefix` + its name. */
function checkQuirks(quirks: TransferQuirks, prefix: string): void {
  if (typeof quirks !== "object" || quirks === null || Array.isArray(quirks)) {
    refuse(prefix ? "transfers" : "transfer quirks", "an object", quirks);
  }
  knownNames(quirks, TRANSFER_QUIRK_NAMES, "a transfer quirk of the simulator", prefix);
  // Each value is refused under its full name (`transfers.cutEvery`).
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(quirks)) named[prefix + name] = value;
  for (const name of ["forgetFinished", "unreachableHost", "legacyDaemon", "failVerification"]) {
    flag(named, prefix + name);
  }
  for (const name of ["pauseAfterBytes", "stopAfterBytes", "corruptAt", "cutAfter"]) {
    whole(named, prefix + name, 0, Number.MAX_SAFE_INTEGER);
  }
  whole(named, prefix + "cutEvery", 1, Number.MAX_SAFE_INTEGER);
  for (const name of ["pauseReason", "stopReason"]) {
    const value = named[prefix + name];
    if (value !== undefined && typeof value !== "string") refuse(prefix + name, "a string", value);
  }
  const stop = quirks.stopAs;
  if (stop !== undefined && !TRANSFER_STOPS.includes(stop)) {
    const ways = TRANSFER_STOPS.map((way) => `"${way}"`).join(", ");
    refuse(prefix + "stopAs", `one of ${ways}`, stop);
  }
}

/** Refuses what `faults` (given to `setFaults`) holds that no fault can be. */
export function checkFaultOptions(faults: FaultOptions): void {
  knownNames(faults, FAULT_OPTION_NAMES, "a fault option of the simulator");
  checkFaultValues(faults);
}

/** Refuses the values of `faults` that no fault can have. */
function checkFaultValues(faults: FaultOptions): void {
  milliseconds(faults, "latency", 0);
  for (
    const name of [
      "failureRate",
      "dropConnection",
      "stall",
      "proxyError",
      "locked",
      "dropAnswer",
      "stallAnswer",
      "jobFailure",
    ] as const
  ) {
    const value = faults[name];
    if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= 1)) {
      refuse(name, "a share from 0 to 1", value);
    }
  }
  for (
    const name of [
      "proxyErrorNext",
      "lockedFirst",
      "dropAnswerNextPosts",
      "stallAnswerNext",
      "jobFailureNext",
    ] as const
  ) {
    whole(faults, name, 0, Number.MAX_SAFE_INTEGER);
  }
  // Whole seconds a timer holds (`Retry-After` takes no fraction).
  whole(faults, "retryAfter", 0, Math.floor(MAX_MILLISECONDS / 1000));
  const status = faults.proxyStatus;
  if (status !== undefined && status !== 502 && status !== 503 && status !== 504) {
    refuse("proxyStatus", "502, 503 or 504", status);
  }
}

/**
 * Refuses the first name of `options` that `known` does not have (whatever its value: a
 * misspelled `undefined` would leave a fault on), naming the one meant where it can tell;
 * both are shown after `prefix` (`transfers.`).
 */
function knownNames(options: object, known: readonly string[], what: string, prefix = ""): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const meant = meantName(name, known);
    throw new RangeError(
      `"${prefix}${name}" is not ${what}` +
        (meant === undefined ? "" : ` (did you mean "${prefix}${meant}"?)`),
    );
  }
}

/** Refuses `options[name]` unless it is `true` or `false`. */
function flag<T>(options: T, name: keyof T & string): void {
  const value = options[name];
  if (value !== undefined && typeof value !== "boolean") refuse(name, "true or false", value);
}

/** Refuses `options[name]` unless it is a whole number from `least` to `most`. */
function whole<T>(options: T, name: keyof T & string, least: number, most: number): void {
  const value = options[name];
  if (
    value !== undefined &&
    !(typeof value === "number" && Number.isInteger(value) && value >= least && value <= most)
  ) {
    refuse(
      name,
      `a whole number from ${least}${most < Number.MAX_SAFE_INTEGER ? ` to ${most}` : " up"}`,
      value,
    );
  }
}

/** Refuses `options[name]` unless it is a number of milliseconds from `least` a timer holds. */
function milliseconds<T>(options: T, name: keyof T & string, least: number): void {
  const value = options[name];
  if (
    value !== undefined &&
    !(typeof value === "number" && value >= least && value <= MAX_MILLISECONDS)
  ) {
    refuse(name, `a number of milliseconds from ${least} to ${MAX_MILLISECONDS}`, value);
  }
}

/** Throws the RangeError that says option `name` must be `what`, not `value` (or `shown`). */
function refuse(name: string, what: string, value: unknown, shown?: string): never {
  shown ??= typeof value === "string" ? JSON.stringify(value) : String(value);
  throw new RangeError(`The simulator's ${name} must be ${what}, not ${shown}`);
}

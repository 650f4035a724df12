/**
 * The CLI's exit codes, one per class of failure, and the one-line message each failure
 * prints on standard error.
 *
 * @module
 */

import { AuthError, ConnectionError, NotFoundError, OvirtError, TimeoutError } from "../mod.ts";
import { printable } from "./output/printable.ts";

/** Exit codes of `ovirt` (documented in the README and in `ovirt --help`). */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Any other failure. */
  FAILURE: 1,
  /** Bad command line: unknown command or flag, bad value, ambiguous name. */
  USAGE: 2,
  /** The object does not exist (HTTP 404, or no object of that name). */
  NOT_FOUND: 3,
  /** Not logged in, wrong credentials, session expired, or not allowed (401, 403). */
  AUTH: 4,
  /** The engine could not be reached (refused, DNS, TLS). */
  CONNECTION: 5,
  /** A time limit passed (a request, or `--wait`). */
  TIMEOUT: 6,
  /** The engine refused the request (another HTTP 4xx or 5xx, with its reason). */
  REFUSED: 7,
  /**
   * A change was sent but its answer was lost or came too late: the engine may have carried
   * it out, so look before trying again (an `OvirtError` whose `maybeApplied` is true: its
   * connection dropped, or `--request-timeout` passed, after it went out).
   */
  MAYBE_APPLIED: 8,
  /**
   * Stopped by SIGHUP (its terminal closed, its ssh connection dropped), after cleaning up:
   * 128 + 1.
   */
  HUNG_UP: 129,
  /** Stopped by Ctrl-C (SIGINT), after cleaning up: 128 + 2. */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM, after cleaning up: 128 + 15. */
  TERMINATED: 143,
} as const;

/** A failure the CLI itself detects, with the exit code it ends with. */
export class CliError extends Error {
  /** The process exit code. */
  readonly exitCode: number;

  /** A failure with its message and exit code. */
  constructor(message: string, exitCode: number = EXIT.FAILURE) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A bad command line: exit code 2. */
export class UsageError extends CliError {
  /** A usage error with its message. */
  constructor(message: string) {
    super(message, EXIT.USAGE);
    this.name = "UsageError";
  }
}

/**
 * Standard output's reader has gone (`ovirt events follow | head -1`): the command stops
 * there and `ovirt` exits 0 without a word, as a command whose output was all read does.
 */
export class OutputClosedError extends CliError {
  /** The error that ends a command whose output nobody reads any more. */
  constructor() {
    super("standard output was closed", EXIT.OK);
    this.name = "OutputClosedError";
  }
}

/** The exit code for `error`. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof NotFoundError) return EXIT.NOT_FOUND;
  if (error instanceof AuthError) return EXIT.AUTH;
  // A change sent whose answer was lost or late: whatever else, look before trying again.
  if (error instanceof OvirtError && error.maybeApplied) return EXIT.MAYBE_APPLIED;
  if (error instanceof ConnectionError) return EXIT.CONNECTION;
  if (error instanceof TimeoutError) return EXIT.TIMEOUT;
  if (error instanceof OvirtError && error.code !== undefined && error.code >= 400) {
    return EXIT.REFUSED;
  }
  if (error instanceof TypeError && isParseArgsError(error)) return EXIT.USAGE;
  return EXIT.FAILURE;
}

/** Whether `error` comes from `parseArgs` (unknown flag, missing value). */
export function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** What to run where a Kerberos login finds that ovirt may not use FFI. */
const FFI_ADVICE = "run ovirt with --allow-ffi (deno run --allow-ffi ... jsr:@ovirt/sdk/cli; " +
  "a binary: deno compile --allow-ffi ...; deno install -A and deno task cli grant it)";

/** The most characters of a message an error line shows; the rest is cut, and says so. */
export const MAX_ERROR_MESSAGE = 4096;

/**
 * The one line printed for `error`: its message with line breaks folded, what could act on
 * the terminal (escape sequences, C1 controls, bidirectional overrides in the engine's text)
 * written as escapes, and cut after {@link MAX_ERROR_MESSAGE} characters.
 */
export function errorLine(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  if (isParseArgsError(error) && !message.includes("argument is ambiguous")) {
    // parseArgs's advice on positionals that start with "-" quotes only the flag's letter
    // (`-- "-d"` for -dash): said again in the CLI's words. Its advice on a value that starts
    // with "-" (write --flag=-value) is kept whole.
    const first = message.split(/\.\s/, 1)[0].replace(/\.$/, "");
    // Only for a word of one dash (`-dash`): `--wait` on a verb without it is a flag, not a name.
    const advice = message.includes("after '--'") && /^Unknown option '-[^-]/.test(message)
      ? ` (a name or id that starts with "-" goes after "--": ovirt vm show -- -name)`
      : "";
    message = `${first}${advice}; see --help`;
  }
  // The SDK's advice names its options; here they are flags and variables.
  message = message.replace("with caFile or caCerts", "with --ca-file (or OVIRT_CA_FILE)")
    .replace("run the script with --allow-ffi", FFI_ADVICE);
  // Split, not a regular expression: a megabyte of spaces is folded in linear time.
  const folded = message.split("\n").map((part) => part.trim()).filter((part) => part !== "");
  return `ovirt: ${clipped(printable(folded.join(" ")))}`;
}

/** `text` cut after {@link MAX_ERROR_MESSAGE} characters, with a note of how many were cut. */
function clipped(text: string): string {
  if (text.length <= MAX_ERROR_MESSAGE) return text;
  // Not in the middle of an escape (`\u001b`) or of a character's surrogate pair.
  const cut = text.slice(0, MAX_ERROR_MESSAGE).replace(/\\(u[0-9a-f]{0,3})?$|[\ud800-\udbff]$/, "");
  return `${cut}… (${text.length - cut.length} more characters cut)`;
}

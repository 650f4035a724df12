/**
 * What a command runs with: its output and error streams, the environment, the parsed
 * global flags, and the connection (opened on first use).
 *
 * @module
 */

import type { Env, Settings } from "./config.ts";
import { resolveSettings } from "./config.ts";
import { type OutputOptions, parseFormat } from "./output/render.ts";
import { parseDuration } from "./options.ts";
import { openSession, type Session } from "./session.ts";

/** The global flags as parsed. */
export interface GlobalValues {
  /** `--help`. */
  help?: boolean;
  /** `-o`. */
  output?: string;
  /** `-c`. */
  columns?: string;
  /** `--no-headers` sets it false. */
  headers?: boolean;
  /** `-p`. */
  profile?: string;
  /** `--url`. */
  url?: string;
  /** `--username`. */
  username?: string;
  /** `--ca-file`. */
  "ca-file"?: string;
  /** `--insecure`. */
  insecure?: boolean;
  /** `--request-timeout`. */
  "request-timeout"?: string;
  /** `--debug`. */
  debug?: boolean;
  /** `--version`. */
  version?: boolean;
}

/** The state of one `ovirt` run. */
export class Context {
  /** Environment variables. */
  readonly env: Env;
  /** Global flags. */
  readonly globals: GlobalValues;
  /** How results are printed. */
  readonly output: OutputOptions;
  #session?: Promise<Session>;

  /** A context for one run. */
  constructor(env: Env, globals: GlobalValues) {
    this.env = env;
    this.globals = globals;
    this.output = {
      format: parseFormat(globals.output),
      ...(globals.columns ? { columns: globals.columns.split(",").map((c) => c.trim()) } : {}),
      width: terminalWidth(env),
      headers: globals.headers !== false,
    };
  }

  /** Writes to standard output. */
  out(text: string): void {
    writeAll(Deno.stdout, text);
  }

  /** Writes to standard error. */
  err(text: string): void {
    writeAll(Deno.stderr, text);
  }

  /** The connection settings in force (flags, variables, profile). */
  settings(): Promise<Settings> {
    return resolveSettings({
      ...(this.globals.profile !== undefined ? { profile: this.globals.profile } : {}),
      ...(this.globals.url !== undefined ? { url: this.globals.url } : {}),
      ...(this.globals.username !== undefined ? { username: this.globals.username } : {}),
      ...(this.globals["ca-file"] !== undefined ? { caFile: this.globals["ca-file"] } : {}),
      ...(this.globals.insecure ? { insecure: true } : {}),
    }, this.env);
  }

  /** Request flags: timeout and debug. */
  requestFlags(): { timeout?: number; debug?: boolean } {
    const timeout = this.globals["request-timeout"];
    return {
      ...(timeout !== undefined ? { timeout: parseDuration(timeout, "request-timeout") } : {}),
      ...(this.globals.debug ? { debug: true } : {}),
    };
  }

  /** The session, opened on first use. */
  session(): Promise<Session> {
    this.#session ??= this.settings().then((settings) =>
      openSession(settings, this.requestFlags(), this.env)
    );
    return this.#session;
  }

  /** What the user should read for `error` (a rejected cached session says so). */
  async explain(error: unknown): Promise<unknown> {
    const session = await this.#session?.catch(() => undefined);
    return session ? await session.explain(error) : error;
  }

  /** Closes the session if one was opened. */
  async close(): Promise<void> {
    const session = await this.#session?.catch(() => undefined);
    await session?.close();
  }
}

function terminalWidth(env: Env): number {
  const columns = Number(env("COLUMNS"));
  if (Number.isInteger(columns) && columns > 0) return columns;
  if (!Deno.stdout.isTerminal()) return Infinity;
  try {
    return Deno.consoleSize().columns;
  } catch {
    return Infinity;
  }
}

function writeAll(stream: { writeSync(bytes: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.byteLength > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (error) {
    // The reader has gone (`ovirt vms list | head -1`): the rest is not wanted.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

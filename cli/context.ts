/**
 * What a command runs with: its output and error streams, the environment, the parsed
 * global flags, and the connection (opened on first use).
 *
 * @module
 */

import { Leftovers } from "./interrupt.ts";
import type { Env, Settings } from "./config.ts";
import { resolveSettings } from "./config.ts";
import type { ProgressOutput } from "../mod.ts";
import { OutputQueue } from "./output_queue.ts";
import { printable } from "./output/printable.ts";
import { type OutputOptions, parseFormat } from "./output/render.ts";
import { parseDuration } from "./options.ts";
import { openSession, type Session } from "./session.ts";

/** Bytes of standard output {@link Context.outPaced} lets wait for a slow reader. */
export const OUTPUT_BUFFER = 1024 * 1024;

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
  /** `--kerberos`. */
  kerberos?: boolean;
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
  /**
   * Aborts when the run is interrupted (Ctrl-C, SIGTERM): commands give it to their SDK calls,
   * which then stop and undo what they began; no more output is written after it.
   */
  readonly signal: AbortSignal;
  /** What the command's clean-up after a signal is to remove, named if it is cut short. */
  readonly leftovers: Leftovers;
  #globals: GlobalValues = {};
  #output!: OutputOptions;
  #session?: Promise<Session>;
  readonly #writes = new OutputQueue();

  /**
   * A context for one run, whose commands stop when `signal` aborts; they note in
   * `leftovers` what their clean-up is to remove.
   */
  constructor(
    env: Env,
    globals: GlobalValues = {},
    signal: AbortSignal = new AbortController().signal,
    leftovers: Leftovers = new Leftovers(),
  ) {
    this.env = env;
    this.signal = signal;
    this.leftovers = leftovers;
    this.useGlobals(globals);
  }

  /** Global flags. */
  get globals(): GlobalValues {
    return this.#globals;
  }

  /** How results are printed. */
  get output(): OutputOptions {
    return this.#output;
  }

  /**
   * Takes global flags read further on the command line (after the resource or the verb):
   * each one given wins over the same flag given before it.
   */
  useGlobals(values: GlobalValues): void {
    const given = Object.entries(values).filter(([, value]) => value !== undefined);
    const globals: GlobalValues = { ...this.#globals, ...Object.fromEntries(given) };
    this.#output = {
      format: parseFormat(globals.output),
      ...(globals.columns ? { columns: globals.columns.split(",").map((c) => c.trim()) } : {}),
      width: terminalWidth(this.env),
      headers: globals.headers !== false,
    };
    this.#globals = globals;
  }

  /**
   * Writes to standard output, after what was written before, without waiting: {@link flush}
   * waits. Once its reader has gone (`ovirt events follow | head -1`), throws
   * {@link OutputClosedError}: the command ends there, with exit code 0 (another failed write,
   * such as to a full disk, throws its error). Once the run is interrupted, throws the
   * signal's reason and writes nothing.
   */
  out(text: string): void {
    this.signal.throwIfAborted();
    this.#writes.checkOut();
    this.#writes.out(new TextEncoder().encode(text));
  }

  /**
   * Writes to standard output as {@link out} does, then waits while more than
   * {@link OUTPUT_BUFFER} bytes wait to be written: a long output (a list written item by
   * item) goes at its reader's pace, holding little. Rejects as {@link flush} does.
   */
  async outPaced(text: string): Promise<void> {
    this.out(text);
    await this.#writes.room(OUTPUT_BUFFER, this.signal);
  }

  /**
   * Writes to standard error, in order with standard output; once a write has failed (its
   * reader has gone, as in `2>&1 | head -c 30`, or it was closed), nothing more: messages are
   * never worth failing for. Once the run is interrupted, at once, ahead of anything still
   * waiting to be written (which may never be).
   */
  err(text: string): void {
    const bytes = new TextEncoder().encode(text);
    if (!this.signal.aborted) return this.#writes.err(bytes);
    try {
      writeAllSync(Deno.stderr, bytes);
    } catch {
      // Standard error is gone: nobody to tell.
    }
  }

  /**
   * Resolves once all output is written; throws as {@link out} does once standard output
   * failed. Rejects with the signal's reason once the run is interrupted: a write that waits
   * for a stalled reader does not hold the run.
   */
  flush(): Promise<void> {
    return this.#writes.flush(this.signal);
  }

  /**
   * Standard error for a transfer's progress bar: its lines go where {@link err} writes, and
   * stop as quietly once standard error is gone, while the transfer goes on; redrawn in place
   * on a terminal unless `TERM=dumb`.
   */
  progressOutput(): ProgressOutput {
    return {
      // A terminal that says it is dumb (Emacs' shell, some CI logs) takes no escape
      // sequence: the bar is then a line every tenth, as in a log.
      isTerminal: () =>
        !this.#writes.errClosed && Deno.stderr.isTerminal() && this.env("TERM") !== "dumb",
      writeSync: (bytes) => {
        this.#writes.err(bytes.slice());
        return bytes.byteLength;
      },
    };
  }

  /** The connection settings in force (flags, variables, profile). */
  settings(): Promise<Settings> {
    return resolveSettings({
      ...(this.globals.profile !== undefined ? { profile: this.globals.profile } : {}),
      ...(this.globals.url !== undefined ? { url: this.globals.url } : {}),
      ...(this.globals.username !== undefined ? { username: this.globals.username } : {}),
      ...(this.globals["ca-file"] !== undefined ? { caFile: this.globals["ca-file"] } : {}),
      ...(this.globals.insecure !== undefined ? { insecure: this.globals.insecure } : {}),
      ...(this.globals.kerberos !== undefined ? { kerberos: this.globals.kerberos } : {}),
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
      openSession(
        settings,
        this.requestFlags(),
        this.env,
        (line) => this.err(`ovirt: warning: ${printable(line)}\n`),
      )
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

/**
 * The width tables fit: `COLUMNS`, else the terminal's; Infinity when neither is known (a
 * pipe, or a terminal that says it has 0 columns, as one made by `script` may).
 */
function terminalWidth(env: Env): number {
  let setting: string | undefined;
  try {
    setting = env("COLUMNS");
  } catch {
    // Not UTF-8: ignored, as any other value that is no width.
  }
  const columns = Number(setting);
  if (Number.isInteger(columns) && columns > 0) return columns;
  if (!Deno.stdout.isTerminal()) return Infinity;
  try {
    const { columns } = Deno.consoleSize();
    return columns > 0 ? columns : Infinity;
  } catch {
    return Infinity;
  }
}

/** Writes all of `bytes` (a pipe may take part of them at a time). */
function writeAllSync(stream: { writeSync(bytes: Uint8Array): number }, bytes: Uint8Array): void {
  while (bytes.byteLength > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

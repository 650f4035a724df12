/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed, an ssh connection dropped) during
 * a run of `ovirt`: the first one aborts the signal the command gives its SDK calls (a
 * transfer is then cancelled, a new disk and a partial file removed), and the run ends, after
 * its connection is closed, with exit code 130, 143 or 129;
 * a second one, or cleanup taking longer than {@link CLEANUP_LIMIT}, ends the process at once,
 * saying what the clean-up may have left behind (the {@link Leftovers} noted).
 *
 * @module
 */

import { CliError, EXIT } from "./errors.ts";
import { printable } from "./output/printable.ts";

/** The signals that stop a run, and the exit code of each: 128 and the signal's number. */
export const STOP_SIGNALS = {
  SIGINT: EXIT.INTERRUPTED,
  SIGTERM: EXIT.TERMINATED,
  SIGHUP: EXIT.HUNG_UP,
} as const;

/** A signal that stops a run. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Milliseconds the cleanup after the first signal may take before the process exits: a
 * little more than the transfer helpers' own 10 s, so that what their clean-up left behind
 * is told by them, with ids.
 */
export const CLEANUP_LIMIT = 12_000;

/** Why a run stopped: the signal it received; its exit code is 130, 143 or 129. */
export class InterruptedError extends CliError {
  /** The signal received. */
  readonly signal: StopSignal;

  /** The reason for a run stopped by `signal`. */
  constructor(signal: StopSignal) {
    super(`interrupted by ${signal}`, STOP_SIGNALS[signal]);
    this.name = "InterruptedError";
    this.signal = signal;
  }
}

/**
 * Listens for {@link STOP_SIGNALS} from creation to disposal (`using interrupt = new
 * Interrupt()`). Embedded in another program, a second signal still ends that process.
 */
export class Interrupt implements Disposable {
  /** What the running command's clean-up is to remove or undo, named if it is cut short. */
  readonly leftovers: Leftovers = new Leftovers();
  readonly #controller = new AbortController();
  readonly #listeners = new Map<StopSignal, () => void>();
  readonly #cleanupLimit: number;
  #deadline?: ReturnType<typeof setTimeout>;

  /** Starts listening; cleanup after the first signal may take `cleanupLimit` ms. */
  constructor(cleanupLimit: number = CLEANUP_LIMIT) {
    this.#cleanupLimit = cleanupLimit;
    for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) {
      const listener = () => this.#received(signal);
      try {
        Deno.addSignalListener(signal, listener);
        this.#listeners.set(signal, listener);
      } catch {
        // SIGTERM and SIGHUP cannot be listened for on Windows.
      }
    }
  }

  /** Aborts, with an {@link InterruptedError} as its reason, at the first signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The exit code of the run once a signal came (130, 143 or 129), else `undefined`. */
  get exitCode(): number | undefined {
    const reason = this.#controller.signal.reason;
    return reason instanceof InterruptedError ? reason.exitCode : undefined;
  }

  #received(signal: StopSignal): void {
    const code = this.exitCode;
    if (code !== undefined) { // a second signal: no more waiting
      this.#sayCutShort(`interrupted again by ${signal}: the clean-up was not finished`);
      Deno.exit(code);
    }
    this.#controller.abort(new InterruptedError(signal));
    this.#deadline = setTimeout(() => {
      const seconds = Math.round(this.#cleanupLimit / 1000);
      this.#sayCutShort(`the clean-up did not finish within ${seconds} s`);
      Deno.exit(STOP_SIGNALS[signal]);
    }, this.#cleanupLimit);
  }

  /** Says on standard error why the clean-up was cut short, and what it may have left. */
  #sayCutShort(why: string): void {
    const left = this.leftovers.list();
    const line = `ovirt: ${why}` +
      (left.length > 0 ? `; it may have left behind: ${left.join("; ")}` : "");
    try {
      let bytes = new TextEncoder().encode(`${printable(line)}\n`);
      while (bytes.length > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
    } catch {
      // Standard error is gone: nobody to tell.
    }
  }

  /** Stops listening (and waiting for the cleanup limit). */
  [Symbol.dispose](): void {
    clearTimeout(this.#deadline);
    for (const [signal, listener] of this.#listeners) Deno.removeSignalListener(signal, listener);
    this.#listeners.clear();
  }
}

/**
 * What a command's clean-up after Ctrl-C is to remove or undo (a new disk, a partial file),
 * noted while it may be left behind, so that a clean-up cut short by the time limit can say
 * what is left.
 */
export class Leftovers {
  readonly #notes = new Set<{ what: string }>();

  /** Notes `what` (`the new disk "web" on storage domain data`) until disposed. */
  note(what: string): Disposable {
    const entry = { what };
    this.#notes.add(entry);
    return { [Symbol.dispose]: () => void this.#notes.delete(entry) };
  }

  /** What is noted now, oldest first. */
  list(): string[] {
    return [...this.#notes].map((entry) => entry.what);
  }
}

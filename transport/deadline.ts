/**
 * One call's end: the caller's abort signal and the connection's timeout, as one signal,
 * and the translation of whatever that end caused into the SDK's errors.
 *
 * @module
 */

import { followAbort } from "./abort_followers.ts";
import { abortedError, OvirtError, sendNote, type SendState, TimeoutError } from "./errors.ts";

/**
 * Aborts when the caller's signal aborts or `timeout` milliseconds have passed. Dispose of
 * it (`using`) when the call is over, to stop the timer.
 */
export class Deadline implements Disposable {
  /**
   * The signal to hand to everything the call does: the call's own, which follows the
   * caller's (one listener on the caller's signal for every call that shares it, see
   * `abort_followers.ts`), and none at all when nothing can end the call (so that nothing
   * pays for one).
   */
  readonly signal?: AbortSignal;
  readonly #timeout?: number;
  readonly #callerSignal?: AbortSignal;
  #stopFollowing?: () => void;
  #timer?: ReturnType<typeof setTimeout>;
  #timedOut = false;
  readonly #started: number;
  /** Milliseconds of pauses that have ended (not counted against the limit). */
  #paused = 0;
  /** When the pause under way began, if one is. */
  #pausedAt?: number;
  /** The end to check once the pause ends: its timer fired during the pause. */
  #waiting?: AbortController;
  /** What became of the call's request so far: said by the error if the call ends early. */
  readonly #sent: SendState = { stage: "queued" };
  /** What its time-out error names as the work that did not finish. */
  readonly #subject: string;

  /**
   * Starts the clock now; `timeout` undefined or 0 means no time limit. `subject` names the
   * work in the time-out error ("The request" by default).
   */
  constructor(timeout?: number, callerSignal?: AbortSignal, subject = "The request") {
    this.#timeout = timeout;
    this.#subject = subject;
    this.#callerSignal = callerSignal;
    this.#started = timeout ? performance.now() : 0;
    if (!timeout && !callerSignal) return;
    const controller = new AbortController();
    this.signal = controller.signal;
    if (callerSignal?.aborted) {
      controller.abort(callerSignal.reason);
      return;
    }
    if (callerSignal) {
      this.#stopFollowing = followAbort(callerSignal, () => {
        clearTimeout(this.#timer);
        controller.abort(callerSignal.reason);
      });
    }
    if (!timeout) return;
    this.#timer = setTimeout(() => this.#timeUp(controller), timeout);
    // The limit never keeps a process alive by itself: a call that waits on something does.
    Deno.unrefTimer(this.#timer);
  }

  /** Stops the timer and forgets the caller's signal. */
  [Symbol.dispose](): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#forgetCaller();
  }

  /**
   * Notes that the call's request waits for `what` (`"a free connection"`, or a function
   * saying it when the call ends) before it can be sent: if the call ends meanwhile, its
   * error says the request was never sent.
   */
  waitingFor(what: string | (() => string)): void {
    if (this.#sent.stage === "queued") this.#sent.waitingFor = what;
  }

  /**
   * Notes that an attempt at the call's request goes out now, a change unless it is a read
   * (`GET`): if the call ends before its answer, the error of a change says the engine may
   * have carried it out (`maybeApplied`).
   */
  sending(method: string): void {
    this.#sent.stage = method === "GET" ? "read sent" : "change sent";
  }

  /**
   * Notes how the attempt sent last ended without carrying the request out: answered with a
   * refusal (`"refused"`: a 409, a 503, a 401 before a new login), or failed before it
   * reached the engine (`"unreached"`: a connection refused).
   */
  notCarriedOut(how: "refused" | "unreached"): void {
    this.#sent.stage = how;
  }

  /** Milliseconds left before the time limit, `Infinity` without one. */
  remaining(): number {
    return this.#timeout ? Math.max(0, this.#timeout - this.#used()) : Infinity;
  }

  /**
   * Stops the clock until {@link resume}: the time the caller spends away from the call (a
   * loop working on a streamed item) is not the call's.
   */
  pause(): void {
    if (this.#timeout && this.#pausedAt === undefined) this.#pausedAt = performance.now();
  }

  /** Starts the clock again after {@link pause}. */
  resume(): void {
    if (this.#pausedAt === undefined) return;
    this.#paused += performance.now() - this.#pausedAt;
    this.#pausedAt = undefined;
    const controller = this.#waiting;
    this.#waiting = undefined;
    if (controller) this.#timeUp(controller); // came while paused: its time is counted now
  }

  /** Milliseconds the call has run, pauses left out. */
  #used(): number {
    const now = this.#pausedAt ?? performance.now();
    return now - this.#started - this.#paused;
  }

  /**
   * The error a call failing with `error` should reject with: a {@link TimeoutError} once the
   * time is up (or the caller's `AbortSignal.timeout()` fired), an {@link OvirtError} when the
   * caller aborted, else `error` itself.
   */
  translate(error: unknown): unknown {
    if (this.#timedOut) {
      return error instanceof TimeoutError ? error : this.#timeoutError(error);
    }
    const caller = this.#callerSignal;
    if (caller?.aborted) {
      // Translated already, with details of its own (the attempts made): kept.
      if (error instanceof OvirtError && error.cause === caller.reason) return error;
      return abortedError(caller.reason, this.#sent);
    }
    return error;
  }

  #timeUp(controller: AbortController): void {
    if (this.#pausedAt !== undefined) { // the clock stands: look again once it runs
      this.#waiting = controller;
      return;
    }
    const left = this.#timeout! - this.#used();
    if (left > 0) { // paused meanwhile: the time is not up yet
      this.#timer = setTimeout(() => this.#timeUp(controller), left);
      Deno.unrefTimer(this.#timer);
      return;
    }
    this.#timedOut = true;
    this.#forgetCaller();
    controller.abort(this.#timeoutError());
  }

  /** The error of a call whose time ran out, saying what became of its request. */
  #timeoutError(cause?: unknown): TimeoutError {
    return new TimeoutError(
      `${this.#subject} did not finish within ${this.#timeout} ms${sendNote(this.#sent)}`,
      { cause, maybeApplied: this.#sent.stage === "change sent" },
    );
  }

  #forgetCaller(): void {
    this.#stopFollowing?.();
    this.#stopFollowing = undefined;
  }
}

/**
 * Runs `work` under a {@link Deadline} of `timeout` ms and the caller's `signal`, and
 * rejects with what the deadline makes of its failure (a {@link TimeoutError} once the time
 * is up, naming the work as `subject` says, an {@link OvirtError} when the caller aborted).
 */
export async function withDeadline<T>(
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  work: (deadline: Deadline) => Promise<T>,
  subject?: string,
): Promise<T> {
  const deadline = new Deadline(timeout, signal, subject);
  try {
    return await work(deadline);
  } catch (error) {
    throw deadline.translate(error);
  } finally {
    deadline[Symbol.dispose]();
  }
}

/**
 * Fault injection for API answers: added latency, 5xx failures, a proxy's HTML errors,
 * changes refused because the object is locked, answers that never begin, connections
 * closed after the request was carried out but before any answer, connections dropped in
 * the middle of a body, and bodies that start but never finish. Which requests are hit
 * follows a seeded random sequence (or a countdown of the next ones), so a test sees the
 * same faults on every run.
 *
 * @module
 */

import { writeStruct } from "../transport/xml/writer.ts";
import { xmlAnswer } from "./answers.ts";
import type { Change } from "./changes.ts";
import { proxyAnswer, type ProxyStatus } from "./proxy_pages.ts";
import { SeededRandom } from "./random.ts";

/** Faults to inject into API answers (not into SSO or image transfer traffic). */
export interface FaultOptions {
  /**
   * Milliseconds added before every API answer; a request whose client leaves meanwhile, or
   * that still waits at `close()`, is dropped without being carried out.
   */
  latency?: number;
  /** Share (0..1) of API requests answered with a 5xx error instead. */
  failureRate?: number;
  /** Share (0..1) of API answers whose connection is dropped half-way through the body. */
  dropConnection?: number;
  /** Share (0..1) of API answers whose body starts but never finishes (until `close()`). */
  stall?: number;
  /**
   * Share (0..1) of API requests answered by the proxy in front of the engine instead, as
   * Apache does while the engine starts: 502, 503 or 504 with an HTML page.
   */
  proxyError?: number;
  /** The next N API requests get a proxy error (counts down; set it again to re-arm). */
  proxyErrorNext?: number;
  /** The status of proxy errors (default: 502, 503 or 504, picked at random). */
  proxyStatus?: ProxyStatus;
  /** Seconds sent as `Retry-After` with proxy errors (default: no such header). */
  retryAfter?: number;
  /**
   * Share (0..1) of changes (add, update, remove, action) refused with the engine's 409
   * for a locked object: `[Cannot run VM. Related operation is currently in progress.
   * Please try again later.]`. The change is not made.
   */
  locked?: number;
  /**
   * The first N changes of every object (counted from when this is set) are refused so;
   * an add counts as a change of its collection, an action as one of its object.
   */
  lockedFirst?: number;
  /**
   * Share (0..1) of API requests that are read and carried out, and whose connection is
   * then closed without any answer (a re-sent add creates its object twice).
   */
  dropAnswer?: number;
  /** The next N POST requests are carried out and then left unanswered the same way. */
  dropAnswerNextPosts?: number;
  /**
   * Share (0..1) of API requests whose answer never begins: the request is read (and not
   * carried out), no status line is sent, until the client leaves or `close()`.
   */
  stallAnswer?: number;
  /** The next N API requests stall so. */
  stallAnswerNext?: number;
  /**
   * Share (0..1) of the jobs of changes that end `failed`, their `Executing` step failed
   * (the change itself is made).
   */
  jobFailure?: number;
  /** The jobs of the next N changes end so. */
  jobFailureNext?: number;
}

/** One API request as the faults see it. */
export interface FaultRequest {
  /** The HTTP method. */
  readonly method: string;
  /** What the request changes; absent for reads. */
  readonly change?: Change;
  /** Aborts when the client's connection goes away. */
  readonly signal: AbortSignal;
  /** Closes the client's connection with nothing more sent. */
  drop(): void;
}

/** Applies {@link FaultOptions} to answers; options can change while running. */
export class Faults {
  #options: FaultOptions;
  readonly #random: SeededRandom;
  readonly #stalled = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #closing = Promise.withResolvers<void>();
  /** Changes seen per object since `lockedFirst` was set. */
  readonly #changes = new Map<string, number>();

  /** Faults per `options`, chosen with a random sequence seeded with `seed`. */
  constructor(options: FaultOptions, seed: number) {
    this.#options = pick(options);
    this.#random = new SeededRandom(seed);
  }

  /** Replaces some options (`undefined` switches a fault off). */
  set(options: FaultOptions): void {
    if ("lockedFirst" in options) this.#changes.clear();
    this.#options = { ...this.#options, ...pick(options) };
  }

  /**
   * The answer to send after faults: `answer()` carries the request out and may not be
   * called at all (a failure, a refusal, a stall).
   */
  async apply(request: FaultRequest, answer: () => Promise<Response>): Promise<Response> {
    const { latency, failureRate, dropConnection, stall } = this.#options;
    if (latency && !await this.#waited(latency, request.signal)) return this.#leave(request);
    if (this.#next("stallAnswerNext") || this.#hit(this.#options.stallAnswer)) {
      return await this.#stallAnswer(request);
    }
    if (this.#next("proxyErrorNext") || this.#hit(this.#options.proxyError)) {
      return this.#proxyError();
    }
    if (this.#hit(failureRate)) return this.#failure();
    if (request.change && this.#isLocked(request.change)) return locked(request.change);
    const response = await answer();
    const dropPost = request.method === "POST" && this.#next("dropAnswerNextPosts");
    if (dropPost || this.#hit(this.#options.dropAnswer)) {
      await response.body?.cancel();
      request.drop();
      return new Response(null, { status: 500 }); // written to a closed connection: lost
    }
    if (!response.body) return response;
    if (this.#hit(dropConnection)) return await this.#cut(response, false);
    if (this.#hit(stall)) return await this.#cut(response, true);
    return response;
  }

  /** Whether the job of a change starting now is to fail. */
  failJob(): boolean {
    return this.#next("jobFailureNext") || this.#hit(this.#options.jobFailure);
  }

  /**
   * Ends every stalled body (short of its length) and answer, and every latency still
   * waited out, so the server can shut down.
   */
  close(): void {
    this.#closing.resolve();
    for (const controller of this.#stalled) controller.close();
    this.#stalled.clear();
  }

  #hit(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.#random.next() < rate;
  }

  /** Whether countdown `name` is above zero; counts it down if so. */
  #next(
    name: "proxyErrorNext" | "dropAnswerNextPosts" | "stallAnswerNext" | "jobFailureNext",
  ): boolean {
    const left = this.#options[name] ?? 0;
    if (left <= 0) return false;
    this.#options = { ...this.#options, [name]: left - 1 };
    return true;
  }

  #isLocked(change: Change): boolean {
    const first = this.#options.lockedFirst ?? 0;
    if (first > 0) {
      const seen = (this.#changes.get(change.object) ?? 0) + 1;
      this.#changes.set(change.object, seen);
      if (seen <= first) return true;
    }
    return this.#hit(this.#options.locked);
  }

  async #stallAnswer(request: FaultRequest): Promise<Response> {
    await this.#waited(Infinity, request.signal);
    return this.#leave(request);
  }

  /**
   * Waits `milliseconds` (forever if `Infinity`); resolves to false as soon as the client
   * goes away (`signal`) or the simulator closes, true if the wait ran its course.
   */
  async #waited(milliseconds: number, signal: AbortSignal): Promise<boolean> {
    const ended = Promise.withResolvers<boolean>();
    const timer = milliseconds === Infinity
      ? undefined
      : setTimeout(() => ended.resolve(true), milliseconds);
    const gone = () => ended.resolve(false);
    signal.addEventListener("abort", gone, { once: true });
    if (signal.aborted) gone();
    try {
      return await Promise.race([ended.promise, this.#closing.promise.then(() => false)]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", gone);
    }
  }

  /** Closes the client's connection with no answer; the request is not carried out. */
  #leave(request: FaultRequest): Response {
    request.drop();
    return new Response(null, { status: 500 }); // nobody reads it
  }

  #proxyError(): Response {
    const statuses: ProxyStatus[] = [502, 503, 504];
    const status = this.#options.proxyStatus ??
      statuses[Math.floor(this.#random.next() * statuses.length)];
    return proxyAnswer(status, this.#options.retryAfter);
  }

  #failure(): Response {
    if (this.#random.next() < 0.5) {
      return new Response(null, { status: 503, statusText: "Service Unavailable" });
    }
    const fault = { reason: "Operation Failed", detail: "[Internal Engine Error]" };
    return xmlAnswer(500, writeStruct("Fault", fault));
  }

  /**
   * Sends the first half of the first chunk of the body under a `Content-Length` of the
   * whole chunk, then ends the body early (the client sees the connection cut) or, for
   * `stall`, only at `close()`. Ending short of the length cuts the connection without
   * the server logging an error.
   */
  async #cut(response: Response, stall: boolean): Promise<Response> {
    const source = response.body!.getReader();
    const { value = new Uint8Array() } = await source.read();
    await source.cancel();
    const stalled = this.#stalled;
    let sent = false;
    let waiting: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(value.subarray(0, Math.floor(value.length / 2)));
        } else if (stall) {
          stalled.add(waiting = controller);
          await new Promise(() => {}); // settles never: close() ends the body
        } else {
          controller.close();
        }
      },
      cancel() {
        if (waiting) stalled.delete(waiting); // the client went away first
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(response.headers);
    headers.set("Content-Length", String(value.length + 1));
    return new Response(body, { status: response.status, headers });
  }
}

/** The 409 the engine answers for a change of a locked object (a failed `<action>` for actions). */
function locked(change: Change): Response {
  const fault = {
    reason: "Operation Failed",
    detail: `[Cannot ${change.verb} ${change.label}. ` +
      "Related operation is currently in progress. Please try again later.]",
  };
  return change.kind === "action"
    ? xmlAnswer(409, writeStruct("Action", { status: "failed", fault }))
    : xmlAnswer(409, writeStruct("Fault", fault));
}

/** The name of every fault option (the `satisfies` keeps the list whole). */
export const FAULT_OPTION_NAMES = Object.keys(
  {
    latency: true,
    failureRate: true,
    dropConnection: true,
    stall: true,
    proxyError: true,
    proxyErrorNext: true,
    proxyStatus: true,
    retryAfter: true,
    locked: true,
    lockedFirst: true,
    dropAnswer: true,
    dropAnswerNextPosts: true,
    stallAnswer: true,
    stallAnswerNext: true,
    jobFailure: true,
    jobFailureNext: true,
  } satisfies Record<keyof FaultOptions, true>,
) as readonly (keyof FaultOptions)[];

/** Only the fault options of `options` (the simulator's other options share the object). */
function pick(options: FaultOptions): FaultOptions {
  const picked: Record<string, unknown> = {};
  for (const key of FAULT_OPTION_NAMES) if (key in options) picked[key] = options[key];
  return picked as FaultOptions;
}

/**
 * Fault injection for API answers: added latency, 5xx failures, connections dropped in
 * the middle of a body, and bodies that start but never finish. Which requests are hit
 * follows a seeded random sequence, so a test sees the same faults on every run.
 *
 * @module
 */

import { writeStruct } from "../transport/xml/writer.ts";
import { xmlAnswer } from "./answers.ts";
import { SeededRandom } from "./random.ts";

/** Faults to inject into API answers (not into SSO or image transfer traffic). */
export interface FaultOptions {
  /** Milliseconds added before every API answer. */
  latency?: number;
  /** Share (0..1) of API requests answered with a 5xx error instead. */
  failureRate?: number;
  /** Share (0..1) of API answers whose connection is dropped half-way through the body. */
  dropConnection?: number;
  /** Share (0..1) of API answers whose body starts but never finishes (until `close()`). */
  stall?: number;
}

/** Applies {@link FaultOptions} to answers; options can change while running. */
export class Faults {
  #options: FaultOptions;
  readonly #random: SeededRandom;
  readonly #stalled = new Set<ReadableStreamDefaultController<Uint8Array>>();

  /** Faults per `options`, chosen with a random sequence seeded with `seed`. */
  constructor(options: FaultOptions, seed: number) {
    this.#options = { ...options };
    this.#random = new SeededRandom(seed);
  }

  /** Replaces some options (`undefined` switches a fault off). */
  set(options: FaultOptions): void {
    this.#options = { ...this.#options, ...options };
  }

  /** The answer to send after faults: `answer()` may not be called at all (failure). */
  async apply(answer: () => Promise<Response>): Promise<Response> {
    const { latency, failureRate, dropConnection, stall } = this.#options;
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
    if (this.#hit(failureRate)) return this.#failure();
    const response = await answer();
    if (!response.body) return response;
    if (this.#hit(dropConnection)) return await this.#cut(response, false);
    if (this.#hit(stall)) return await this.#cut(response, true);
    return response;
  }

  /** Ends every stalled body (short of its length), so the server can shut down. */
  close(): void {
    for (const controller of this.#stalled) controller.close();
    this.#stalled.clear();
  }

  #hit(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.#random.next() < rate;
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

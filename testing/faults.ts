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
    if (this.#hit(dropConnection)) return this.#cut(response, false);
    if (this.#hit(stall)) return this.#cut(response, true);
    return response;
  }

  /** Ends every stalled body with an error, so the server can shut down. */
  close(): void {
    for (const controller of this.#stalled) controller.error(new Error("Simulator closed"));
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

  /** Sends the first half of the first chunk, then errors the body (`stall`: never ends it). */
  #cut(response: Response, stall: boolean): Response {
    const source = response.body!.getReader();
    const stalled = this.#stalled;
    let started = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true;
          const { value } = await source.read();
          await source.cancel();
          controller.enqueue(value?.subarray(0, Math.ceil(value.length / 2)) ?? new Uint8Array());
        } else if (stall) {
          stalled.add(controller);
          await new Promise(() => {}); // never settles: the body stays open until close()
        } else {
          controller.error(new Error("Connection dropped by fault injection"));
        }
      },
    }, { highWaterMark: 0 });
    const headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(body, { status: response.status, headers });
  }
}

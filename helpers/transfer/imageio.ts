/**
 * A client of ovirt-imageio's HTTP API for one transfer URL: `OPTIONS` (what the server
 * can do), ranged `PUT` and `GET`, `PATCH` zero and flush, `GET .../extents` and
 * `GET .../checksum`. Requests go through {@link Connection.transferRequest}, so they
 * share the connection's TLS settings, request cap and redacted debug log; the URL's
 * ticket is never part of an error message.
 *
 * @module
 */

import type { Connection } from "../../services/connection.ts";
import type { TransferRequest, TransferResponse } from "../../transport/connection.ts";
import { OvirtError, TimeoutError } from "../../transport/errors.ts";
import { ANSWER_LIMIT, ANSWER_TIMEOUT, readSmallAnswer } from "./answer.ts";
import { extentsLimit, ExtentsTooLong, readExtents } from "./extents.ts";
import type { Extent } from "./holes.ts";
import { type AnswerWatch, DEFAULT_SILENCE, Silences } from "./stall.ts";

/** What an imageio server said it supports (`OPTIONS`); an old server supports none. */
export interface ServerOptions {
  /** `PATCH {"op":"zero"}` is supported. */
  zero: boolean;
  /** `flush=n` on PUT and `PATCH {"op":"flush"}` are supported. */
  flush: boolean;
  /** `GET .../extents` is supported. */
  extents: boolean;
  /** How many connections may read at once (1 when the server does not say). */
  maxReaders: number;
  /** How many connections may write at once (1 when the server does not say). */
  maxWriters: number;
}

/** Speaks imageio's API at one transfer URL. */
export class ImageioClient {
  readonly #connection: Connection;
  readonly #url: URL;
  readonly #signal?: AbortSignal;
  readonly #answerTimeout: number;
  readonly #silences = new Silences();
  /** `performance.now()` of the last request sent (for keeping the ticket alive). */
  lastRequest = performance.now();
  /**
   * Milliseconds a data answer (`get`) may go without a byte, its headers included, before
   * it is cut with a {@link TimeoutError} (default 30 s).
   */
  silenceLimit = DEFAULT_SILENCE;

  /**
   * A client of the transfer URL `url` through `connection`; `signal` aborts every request.
   * A small answer (JSON, error text) is read up to 1 MiB, and must arrive within
   * `answerTimeout` milliseconds of its headers (default 30 s).
   */
  constructor(
    connection: Connection,
    url: string,
    signal?: AbortSignal,
    answerTimeout: number = ANSWER_TIMEOUT,
  ) {
    this.#connection = connection;
    this.#url = new URL(url);
    this.#signal = signal;
    this.#answerTimeout = answerTimeout;
  }

  /** The origin of the URL (scheme, host and port), safe to show. */
  get origin(): string {
    return this.#url.origin;
  }

  /** Asks what the server supports; an old server (405, or 204 from an old proxy) has nothing. */
  async options(signal?: AbortSignal): Promise<ServerOptions> {
    const response = await this.#send("OPTIONS", "", {}, undefined, { signal });
    if (response.status === 405 || response.status === 204) {
      await response.body.cancel();
      return { zero: false, flush: false, extents: false, maxReaders: 1, maxWriters: 1 };
    }
    const answer = await this.#json(response, "OPTIONS") as {
      features?: string[];
      max_readers?: number;
      max_writers?: number;
    };
    const features = new Set(answer.features ?? []);
    return {
      zero: features.has("zero"),
      flush: features.has("flush"),
      extents: features.has("extents"),
      maxReaders: positive(answer.max_readers),
      maxWriters: positive(answer.max_writers),
    };
  }

  /** Writes `bytes` at `offset`; `flush: false` lets the server defer flushing. */
  async put(offset: number, bytes: Uint8Array<ArrayBuffer>, flush: boolean): Promise<void> {
    const end = offset + bytes.byteLength - 1;
    const response = await this.#send(
      "PUT",
      flush ? "" : "?flush=n",
      { "Content-Range": `bytes ${offset}-${end}/*`, "Content-Type": "application/octet-stream" },
      bytes,
    );
    await this.#done(response, `PUT bytes ${offset}-${end}`);
  }

  /** Makes `length` bytes at `offset` read as zeros, without sending them. */
  async zero(offset: number, length: number): Promise<void> {
    await this.#patch(
      { op: "zero", offset, size: length, flush: false },
      `zero ${offset}+${length}`,
    );
  }

  /** Asks the server to flush what was written to storage. */
  async flush(): Promise<void> {
    await this.#patch({ op: "flush" }, "flush");
  }

  /**
   * Reads `length` bytes at `offset`: the body, to be read to its end or cancelled, and the
   * watch each of its reads goes through (see {@link silenceLimit}), to be disposed of then.
   * The headers too must come within the silence limit, counted from when the request is
   * sent: not while it waits for a free slot of the connection's request cap, which only the
   * connection's `timeout` bounds.
   */
  async get(offset: number, length: number): Promise<DataAnswer> {
    const end = offset + length - 1;
    const what = `GET bytes=${offset}-${end} on ${this.origin}`;
    const watch = this.#silences.watch(this.silenceLimit, what);
    const headers = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sent = () => {
      timer = setTimeout(() => {
        headers.abort(
          new TimeoutError(
            `The image host sent no answer to ${what} within ${this.silenceLimit} ms`,
          ),
        );
      }, this.silenceLimit);
    };
    try {
      const response = await this.#send(
        "GET",
        "",
        { Range: `bytes=${offset}-${end}` },
        undefined,
        { signal: headers.signal, onSend: sent },
      ).finally(() => clearTimeout(timer));
      if (response.status !== 206 && response.status !== 200) {
        await this.#done(response, `GET bytes ${offset}-${end}`);
      }
      return { body: response.body, watch };
    } catch (error) {
      watch[Symbol.dispose]();
      throw error;
    }
  }

  /**
   * Whether a data answer is being read and none of them brought a byte for `ms`
   * milliseconds: the request makes no progress, and nothing should keep its ticket alive.
   */
  silentFor(ms: number): boolean {
    return this.#silences.silentFor(ms);
  }

  /** The image's size, from the `Content-Range` of a one-byte read (0 for an empty image). */
  async size(): Promise<number> {
    const response = await this.#send("GET", "", { Range: "bytes=0-0" });
    const range = response.headers.get("content-range") ?? "";
    await response.body.cancel();
    const total = /\/(\d+)\s*$/.exec(range);
    if (response.status === 416 && total?.[1] === "0") return 0;
    if ((response.status === 206 || response.status === 200) && total) return Number(total[1]);
    throw new OvirtError(
      `The image server of ${this.origin} does not tell the image's size (HTTP ${response.status})`,
      { code: response.status },
    );
  }

  /**
   * The image's data and zero extents (`context=zero`), read as they arrive and checked to
   * follow each other. imageio sends them all in one answer, as long as the image is
   * fragmented: one longer than a small answer (1 MiB, some 14,000 extents) is asked again
   * once the image's size is known (see {@link size}), and may then be as long as that size
   * allows (see {@link extentsLimit}). The answer must not stay silent for the answer timeout.
   */
  async extents(): Promise<Extent[]> {
    try {
      return await this.#extents(ANSWER_LIMIT);
    } catch (error) {
      if (!(error instanceof ExtentsTooLong)) throw error;
      const size = await this.size().catch((unknown) => {
        const why = unknown instanceof Error ? unknown.message : String(unknown);
        throw new ExtentsTooLong(`${error.message}, and the image's size is unknown: ${why}`);
      });
      return await this.#extents(extentsLimit(size));
    }
  }

  async #extents(limit: number): Promise<Extent[]> {
    const response = await this.#send("GET", "/extents");
    if (response.status < 200 || response.status > 299) {
      await this.#done(response, "GET extents");
    }
    return await readExtents(response.body, {
      limit,
      timeout: this.#answerTimeout,
      what: `GET extents on ${this.origin}`,
    });
  }

  /**
   * The checksum algorithms the server offers (none for a server without checksums: imageio
   * answers this without asking for the ticket, so a 403 comes from a daemon that takes the
   * path for a ticket id, one older than checksums, as do 404 and 405).
   */
  async checksumAlgorithms(): Promise<string[]> {
    const response = await this.#send("GET", "/checksum/algorithms");
    if (response.status === 403 || response.status === 404 || response.status === 405) {
      await response.body.cancel();
      return [];
    }
    const answer = await this.#json(response, "GET checksum algorithms") as {
      algorithms?: string[];
    };
    return answer.algorithms ?? [];
  }

  /**
   * The image's checksum as the server computes it (block digests, then their digest). The
   * server answers once it has read the whole image: `timeout` milliseconds bound the wait
   * for its answer instead of the connection's `timeout`.
   */
  async checksum(algorithm: string, blockSize: number, timeout: number): Promise<string> {
    const query = `?algorithm=${encodeURIComponent(algorithm)}&block_size=${blockSize}`;
    const response = await this.#send("GET", `/checksum${query}`, {}, undefined, { timeout });
    const answer = await this.#json(response, "GET checksum") as { checksum?: string };
    if (typeof answer.checksum !== "string") throw new OvirtError("The server sent no checksum");
    return answer.checksum;
  }

  async #patch(operation: Record<string, unknown>, what: string): Promise<void> {
    const body = new TextEncoder().encode(JSON.stringify(operation));
    const response = await this.#send("PATCH", "", { "Content-Type": "application/json" }, body);
    await this.#done(response, `PATCH ${what}`);
  }

  #send(
    method: string,
    below: string,
    headers: Record<string, string> = {},
    body?: Uint8Array<ArrayBuffer>,
    { signal, timeout, onSend }: Pick<TransferRequest, "signal" | "timeout" | "onSend"> = {},
  ): Promise<TransferResponse> {
    this.lastRequest = performance.now();
    const [path, query = ""] = below.split("?");
    const url = new URL(this.#url);
    url.pathname = url.pathname.replace(/\/+$/, "") + path;
    url.search = query;
    const signals = [this.#signal, signal].filter((item) => item !== undefined);
    return this.#connection.transferRequest({
      method,
      url,
      headers,
      body,
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      ...(timeout === undefined ? {} : { timeout }),
      onSend,
    }).catch((error) => {
      throw withoutTicket(error, this.#url.pathname);
    });
  }

  async #json(response: TransferResponse, what: string): Promise<unknown> {
    const text = await this.#done(response, what);
    try {
      return JSON.parse(text);
    } catch {
      throw new OvirtError(`${what} on ${this.origin}: the answer is not JSON`);
    }
  }

  /**
   * Reads a small answer to its end (at most 1 MiB, within the answer timeout) and resolves
   * to its text; unless it is 2xx, rejects with an error whose `code` is the status. A 2xx
   * answer that is larger, or slower, rejects with an {@link OvirtError} (a
   * {@link TimeoutError}) saying so.
   */
  async #done(response: TransferResponse, what: string): Promise<string> {
    const { status } = response;
    const answer = await readSmallAnswer(response.body, this.#answerTimeout);
    if (status < 200 || status > 299) {
      const text = this.#withoutTicket(answer.text).slice(0, 300).trim();
      throw new OvirtError(
        `Image transfer ${what} failed with HTTP ${status}${text ? `: ${text}` : ""}`,
        { code: status },
      );
    }
    if (answer.cut === "size") {
      throw new OvirtError(
        `${what} on ${this.origin}: the answer is larger than ${ANSWER_LIMIT} bytes`,
        { code: status },
      );
    }
    if (answer.cut === "time") {
      throw new TimeoutError(
        `${what} on ${this.origin}: the answer did not arrive within ${this.#answerTimeout} ms`,
        { code: status },
      );
    }
    return answer.text;
  }

  /** `text` with the URL's path, and its last segment (the ticket), hidden. */
  #withoutTicket(text: string): string {
    const path = this.#url.pathname, ticket = path.split("/").filter((part) => part).pop() ?? "";
    const hidden = text.replaceAll(path, "/[transfer path hidden]");
    return ticket.length < SHORTEST_TICKET ? hidden : hidden.replaceAll(ticket, "[ticket hidden]");
  }
}

/** The smallest last path segment taken for a ticket when hiding it in a server's text. */
const SHORTEST_TICKET = 8;

/**
 * `error` without the ticket: a network error's message may quote the URL, whose path is
 * the ticket. Such an error is replaced by one of the same class whose message shows the
 * path hidden, without the cause that quoted it.
 */
function withoutTicket(error: unknown, path: string): unknown {
  if (!(error instanceof OvirtError) || !error.message.includes(path)) return error;
  const message = error.message.replaceAll(path, "/[transfer path hidden]");
  const Class = error.constructor as typeof OvirtError;
  return new Class(message, error.code === undefined ? {} : { code: error.code });
}

/** A data answer: its body, and the watch that bounds each of its reads (dispose of it). */
export interface DataAnswer {
  /** The bytes asked for, as they arrive. */
  readonly body: ReadableStream<Uint8Array>;
  /** Every read of `body` goes through it. */
  readonly watch: AnswerWatch;
}

function positive(value: unknown): number {
  return Number.isSafeInteger(value) && (value as number) > 0 ? value as number : 1;
}

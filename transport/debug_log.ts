/**
 * The debug log: one entry per request and per answer (method, URL, headers, status,
 * timing, bodies), every line passed through {@link redact} first.
 *
 * @module
 */

import { redact } from "./redact.ts";

/** Writes the debug log of a connection. */
export class DebugLog {
  #write: ((line: string) => void) | undefined;

  /**
   * Logs through `write`, with the secrets hidden where they stand (see {@link redact}). A
   * `write` that throws (or returns a promise that rejects) never fails or changes a call (an
   * add the engine made must not look failed because its log line could not be written): its
   * first failure is told once on standard error, and the log stops.
   */
  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  /** Logs a request about to be sent; byte bodies are only counted. */
  request(method: string, url: URL | string, headers: Headers, body?: string | Uint8Array): void {
    this.#entry([
      `> ${method} ${typeof url === "string" ? url : url.href}`,
      ...headerLines("> ", headers),
      ...(typeof body === "string" ? bodyLines("> ", body) : byteLines("> ", body)),
    ]);
  }

  /** Logs an answer, `millis` after its request was sent; `body` when it was read for the log. */
  response(
    method: string,
    url: URL | string,
    status: number,
    statusText: string,
    headers: Headers,
    millis: number,
    body?: string,
  ): void {
    this.#entry([
      `< ${status} ${statusText} (${method} ${typeof url === "string" ? url : url.href}, ` +
      `${millis.toFixed(1)} ms)`,
      ...headerLines("< ", headers),
      ...bodyLines("< ", body),
    ]);
  }

  /** Logs a free-form event, such as a failure. */
  note(text: string): void {
    this.#entry([`* ${text}`]);
  }

  /** Writes an entry's lines, redacted together so that secrets spread over lines are found. */
  #entry(lines: string[]): void {
    if (this.#write === undefined) return;
    const text = redact(lines.join("\n"));
    try {
      for (const line of text.split("\n")) {
        // A writer may be async (appending to a file): its rejection is a failure too.
        const written: unknown = this.#write?.(line);
        if (written instanceof Promise) written.catch((error) => this.#failed(error));
      }
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Stops the log after its writer failed with `error`, telling so once. */
  #failed(error: unknown): void {
    if (this.#write === undefined) return;
    this.#write = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`ovirt-sdk: the debug log's writer failed, so the log stops: ${reason}`);
  }
}

function headerLines(prefix: string, headers: Headers): string[] {
  return [...headers].map(([name, value]) => `${prefix}${name}: ${value}`);
}

function bodyLines(prefix: string, body?: string): string[] {
  if (!body) return [];
  return ["", ...body.split("\n")].map((line) => prefix + line);
}

function byteLines(prefix: string, body?: Uint8Array): string[] {
  return body ? ["", `${prefix}[${body.byteLength} bytes]`] : [];
}

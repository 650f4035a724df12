/**
 * The transport contract: what moves one HTTP request and its answer. Two implementations
 * keep it, `fetch` (verified TLS) and `node:https` (for `insecure: true`); `transports.ts`
 * picks one.
 *
 * A transport never repeats a request whose repetition could change anything: `POST`,
 * `PATCH` and `DELETE` go on a connection of their own, never on a kept-alive one, because
 * HTTP clients re-send a request silently when a kept-alive connection turns out to be
 * closed, and the engine would then create the object twice (or answer a repeated DELETE
 * with 404). Repeating those is the decision of the retry policy alone (`retry.ts`).
 *
 * @module
 */

/** One HTTP request, ready to go. */
export interface HttpRequest {
  /** HTTP method, e.g. `GET`. */
  readonly method: string;
  /** Absolute URL, query included. */
  readonly url: URL;
  /** Every header to send, names in lower case (see {@link setHeaders}). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, if any: XML text, or bytes of an image transfer. */
  readonly body?: string | Uint8Array<ArrayBuffer>;
  /**
   * An image transfer request: its URL carries a ticket and its bodies are bytes, so the
   * debug log shows neither.
   */
  readonly transfer?: boolean;
  /**
   * The answer is a list, which may be long: a transport may receive it on a thread of its
   * own (see `list_worker.ts`).
   */
  readonly bulk?: boolean;
  /** Aborts the request, including the reading of its body. */
  readonly signal?: AbortSignal;
  /**
   * Called once the request has its slot of the connection's cap and goes to the transport,
   * not while it waits for the slot (see `HttpClient.send`): a time limit on the server's
   * answer starts there. It must not throw.
   */
  readonly onSend?: () => void;
  /**
   * Sent at once even when the connection's cap is reached (see `Limiter.pastCap`): the
   * logout of a connection being closed, which must not wait for the calls in flight.
   */
  readonly pastCap?: boolean;
  /**
   * Values the debug log hides wherever they stand in this exchange's answer: the password
   * of a login, which an SSO may repeat in its error.
   */
  readonly secrets?: readonly string[];
}

/** The answer to an {@link HttpRequest}; the body must be read to the end or cancelled. */
export interface HttpResponse {
  /** HTTP status code. */
  readonly status: number;
  /** HTTP reason phrase (may be empty, e.g. over HTTP/2). */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as it arrives (an empty stream when there is none). */
  readonly body: ReadableStream<Uint8Array>;
}

/** Reads a body chunk by chunk (see `body.ts`); a stream's own default reader has this shape. */
export interface BodyReader {
  /** The next chunk, or `done` once the body has ended. */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /**
   * Where the body can fill the caller's memory (a byte stream's BYOB reader): the next
   * bytes, read into `view` and returned as a view of the same memory (`view`'s own buffer
   * is handed over and must no longer be used), or `done` once the body has ended.
   */
  readInto?(
    view: Uint8Array<ArrayBuffer>,
  ): Promise<ReadableStreamReadResult<Uint8Array<ArrayBuffer>>>;
  /** Lets go of the rest of the body. */
  cancel(reason?: unknown): Promise<void>;
  /**
   * The reader's consumer is busy elsewhere until its next read (a streamed list's loop with
   * an item): the request's slot of the connection's cap may serve other calls meanwhile.
   */
  idle?(): void;
}

/**
 * The answer of a transport: an {@link HttpResponse} whose body is a reader (see
 * `body.ts`), which must be read to the end or cancelled. An image transfer's reader fills
 * the caller's buffers where it can.
 */
export interface TransportResponse extends Omit<HttpResponse, "body"> {
  /** Reads the body as it arrives. */
  readonly body: BodyReader;
}

/** Sends requests over connections it keeps alive between requests. */
export interface HttpTransport {
  /** Sends `request` and resolves once the status and headers have arrived. */
  send(request: HttpRequest): Promise<TransportResponse>;
  /** Closes the kept-alive connections; the transport must not be used afterwards. */
  close(): void;
  /**
   * Ends the connects under way that no request has gone out on yet (the connection is
   * closing: a login waiting for one would hold up its close).
   */
  cancelConnects?(): void;
}

/** How to build a transport. */
export interface TransportOptions {
  /** Trusted CA certificates (PEM); the default trust store when absent or empty. */
  readonly caCerts?: readonly string[];
  /** Skip TLS certificate verification. */
  readonly insecure?: boolean;
  /** Most connections to keep open at once (`Infinity` for no limit). */
  readonly connections: number;
  /**
   * The HTTP(S) proxy to go through; without it, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
   * decide.
   */
  readonly proxy?: URL;
  /** Most milliseconds to wait for a connection to be made; `undefined` for no limit. */
  readonly connectTimeout?: number;
  /** Receive long list answers on a worker thread (see `list_worker.ts`). */
  readonly listWorker?: boolean;
}

/**
 * Sets each of `extra` in `headers` as `Headers.set` would: the name in lower case, so that
 * it replaces one spelt otherwise.
 */
export function setHeaders(
  headers: Record<string, string>,
  extra: Readonly<Record<string, string>>,
): void {
  for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name];
}

/** The value of header `name` (lower case) in `headers`, whatever the case of its key there. */
export function headerNamed(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined; // refused elsewhere
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

/** The headers of a `Headers` object as a record, for an {@link HttpRequest}. */
export function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => record[name] = value);
  return record;
}

/** Whether a request with this method may be sent again without changing its effect. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method) || IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Whether a request with this method may go on a kept-alive connection, where the HTTP
 * client may send it again by itself: those whose repetition is invisible.
 */
export function mayShareConnection(method: string): boolean {
  return SHAREABLE_METHODS.has(method) || SHAREABLE_METHODS.has(method.toUpperCase());
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
const SHAREABLE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "TRACE"]);

/**
 * One HTTP exchange as the SDK does it: within the connection's cap on requests in flight,
 * with network failures turned into {@link ConnectionError}, and logged when debugging.
 *
 * @module
 */

import { concatenated, prefixedReader, readerResponse, watchedReader } from "./body.ts";
import type { DebugLog } from "./debug_log.ts";
import { ConnectionError, OvirtError } from "./errors.ts";
import type {
  BodyReader,
  HttpRequest,
  HttpResponse,
  HttpTransport,
  TransportResponse,
} from "./http.ts";
import type { Limiter } from "./limiter.ts";
import { proxyFor } from "./proxy_env.ts";
import { hideValue, redact } from "./redact.ts";

/** What an {@link HttpClient} is made of. */
export interface HttpClientParts {
  /** The transport, built on first use. */
  readonly transport: () => Promise<HttpTransport>;
  /** The cap on requests in flight. */
  readonly limiter: Limiter;
  /** The debug log, when debugging. */
  readonly log?: DebugLog;
  /** The proxy of the connection's options (else the environment's decides), for messages. */
  readonly proxy?: URL;
}

/** Sends requests over a transport; the slot of a request is held until its body is done. */
export class HttpClient {
  readonly #parts: HttpClientParts;

  /** Creates a client from its parts. */
  constructor(parts: HttpClientParts) {
    this.#parts = parts;
  }

  /**
   * Sends `request` in `slot` (the function giving back a slot of the cap, taken for this
   * request), or, without one, once a slot is free; `request.onSend` is called as it goes to
   * the transport. Resolves when the answer's headers have arrived; its body must then be
   * read to the end or cancelled.
   */
  send(request: HttpRequest, slot?: () => void): Promise<HttpResponse> {
    const { log } = this.#parts;
    const release = log ? undefined : slot ?? this.#freeSlot(request);
    return release ? this.#sendQuietly(request, release) : this.#sendWhenFree(request, slot);
  }

  /**
   * {@link send} without a debug log, in the slot `release` gives back: the common road, one
   * small async function waiting for the answer.
   */
  async #sendQuietly(request: HttpRequest, release: () => void): Promise<HttpResponse> {
    let response: TransportResponse;
    try {
      const transport = await this.#transport();
      request.onSend?.();
      response = await transport.send(request);
    } catch (error) {
      release();
      throw this.#networkError(request, error);
    }
    return readerResponse(response, this.#watched(request, response, release));
  }

  /**
   * The transport. Deno refuses a CA certificate it cannot decode (one the checks let
   * through) when the transport is made, in words about the server's certificate ("invalid
   * peer certificate"): that failure is named as the CAs' instead.
   */
  async #transport(): Promise<HttpTransport> {
    try {
      return await this.#parts.transport();
    } catch (error) {
      const described = describe(error);
      if (error instanceof OvirtError || !/certificate|pem/i.test(described)) throw error;
      throw new OvirtError(
        "Cannot use the CA certificates to trust (caFile, caCerts, or else the system's CA " +
          `bundle): Deno refused one of them, not the server's certificate: ${redact(described)}`,
        { cause: error },
      );
    }
  }

  /** A slot for `request` at once (past the cap if it asks), or `undefined`. */
  #freeSlot(request: HttpRequest): (() => void) | undefined {
    const { limiter } = this.#parts;
    return request.pastCap ? limiter.pastCap() : limiter.tryAcquire(request.signal);
  }

  /** {@link send} in `slot` or once a slot is free, logged when debugging. */
  async #sendWhenFree(request: HttpRequest, slot?: () => void): Promise<HttpResponse> {
    const { limiter, log } = this.#parts;
    const release = slot ?? this.#freeSlot(request) ?? await limiter.acquire(request.signal);
    if (!log) return await this.#sendQuietly(request, release);
    const started = performance.now();
    let response: TransportResponse;
    const shownUrl = request.transfer ? hideTicket(request.url) : request.url;
    try {
      log.request(request.method, shownUrl, new Headers(request.headers), request.body);
      const transport = await this.#transport();
      request.onSend?.();
      response = await transport.send(request);
    } catch (error) {
      release();
      const failure = this.#networkError(request, error);
      log.note(`${request.method} ${shownUrl} failed: ${describe(failure)}`);
      throw failure;
    }
    const reader = this.#watched(request, response, release);
    const millis = performance.now() - started;
    if (request.transfer) {
      const { status, statusText, headers } = response;
      log.response(request.method, shownUrl, status, statusText, headers, millis);
      return readerResponse(response, reader);
    }
    const { head, rest } = await readHead(reader, LOGGED_BODY_LIMIT);
    let text = new TextDecoder().decode(concatenated(head));
    // Only in a refusal, or a success that is no token (a portal's login page answered 200):
    // a token never repeats a password, and hiding a short one there would garble it
    // (`"scope":"ovirt-app-api"` with the password `ovirt`).
    if (request.secrets && (!isSuccess(response.status) || !text.includes('"access_token"'))) {
      for (const secret of request.secrets) text = hideValue(text, secret);
    }
    if (rest) text += `\n[the rest of the body, past ${LOGGED_BODY_LIMIT} bytes, is not logged]`;
    log.response(
      request.method,
      request.url,
      response.status,
      response.statusText,
      response.headers,
      millis,
      text,
    );
    return readerResponse(response, prefixedReader(head, rest));
  }

  /** The body of `response`, its end giving the slot back and its failures mapped. */
  #watched(request: HttpRequest, response: TransportResponse, release: () => void): BodyReader {
    return watchedReader(response.body, {
      signal: request.signal,
      onDone: release,
      lend: () => this.#parts.limiter.lend(release),
      mapError: (error) => answerCutOff(request, response, this.#networkError(request, error)),
    });
  }

  /**
   * What a transport failure becomes: the abort reason if aborted, else a ConnectionError.
   * Failures of image transfer requests quote their URL, ticket included: it is hidden, in the
   * message and in the cause the error keeps.
   */
  #networkError(request: HttpRequest, error: unknown): unknown {
    if (request.signal?.aborted) return request.signal.reason;
    if (error instanceof OvirtError) return error;
    const { url } = request;
    const described = describe(error);
    let detail = redact(described) + certificateHint(described);
    // Through a proxy, the failure may be the proxy's: say which one (never its credentials).
    const proxy = proxyFor(url, this.#parts.proxy);
    // `${protocol}//${host}`, not `origin`: a SOCKS proxy's origin is "null".
    const where = proxy
      ? `${url.origin} through the proxy ${proxy.protocol}//${proxy.host}`
      : url.origin;
    if (!request.transfer) {
      // The causes quote the URL too: copied with what the message hides hidden.
      const cause = detail.startsWith(described) ? error : redactedCauses(error);
      return new ConnectionError(`Cannot talk to ${where}: ${detail}`, { cause });
    }
    for (const spelling of [url.href, url.pathname + url.search, url.pathname]) {
      detail = detail.replaceAll(spelling, spelling === url.href ? hideTicket(url) : "/[hidden]");
    }
    return new ConnectionError(`Cannot talk to ${where}: ${detail}`, {
      cause: new Error(detail),
    });
  }
}

/**
 * `error`, the failure to read the body of `response`, saying that the engine carried out
 * the change it answered with a success (an add, an update, a removal, an action) before
 * the body was cut off, as {@link ConnectionError.maybeApplied}.
 */
function answerCutOff(request: HttpRequest, response: TransportResponse, error: unknown): unknown {
  const { method, transfer } = request, { status } = response;
  if (!(error instanceof ConnectionError) || method === "GET" || transfer) return error;
  if (status < 200 || status > 299) return error;
  return new ConnectionError(
    `${error.message}. The engine answered HTTP ${status} before its answer was cut ` +
      "off, so it may have carried the request out: look for its result before sending it again",
    { cause: error.cause, maybeApplied: true },
  );
}

/**
 * How much of an answer's body the debug log shows: the body is read that far before the
 * answer is handed on, and the rest streams as without the log (a list of any length is
 * still read item by item, at bounded memory).
 */
const LOGGED_BODY_LIMIT = 1 << 20;

/**
 * The chunks of the body `reader` reads up to `limit` bytes (or its end), and `reader` for
 * the rest when the body goes on.
 */
async function readHead(
  reader: BodyReader,
  limit: number,
): Promise<{ head: Uint8Array[]; rest?: BodyReader }> {
  const head: Uint8Array[] = [];
  for (let length = 0; length < limit;) {
    const chunk = await reader.read();
    if (chunk.done) return { head };
    head.push(chunk.value);
    length += chunk.value.byteLength;
  }
  return { head, rest: reader };
}

/** Whether `status` is a success (2xx). */
function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Where an engine serves its CA certificate. */
const CA_SOURCE = "an engine serves it at /ovirt-engine/services/pki-resource?resource=" +
  "ca-certificate&format=X509-PEM-CA";

/**
 * What to do when the TLS library refused the server's certificate as signed by no CA this
 * connection trusts (rustls's `UnknownIssuer`, or `BadSignature` when a trusted CA has the
 * issuer's name but not its key, for `fetch`; OpenSSL's words for `node:https`), the usual
 * first failure with an engine's own CA; empty for any other failure. Deno's `node:https`
 * (image uploads) says "unable to verify the first certificate" for an expired certificate
 * too, so that hint names both causes.
 */
function certificateHint(detail: string): string {
  if (/unable to verify the first certificate/i.test(detail)) {
    return " (the server's certificate is not signed by a CA this connection trusts, or it " +
      "has expired or is not valid yet: node:https, which sends image uploads, says the same " +
      "for both. Check its dates (openssl s_client -connect <host>:<port>); if they are " +
      `right, give the engine's CA with caFile or caCerts; ${CA_SOURCE})`;
  }
  if (!/UnknownIssuer|BadSignature|self[- ]signed certificate|unable to get/i.test(detail)) {
    return "";
  }
  return " (the server's certificate is not signed by a CA this connection trusts: give the " +
    `engine's CA with caFile or caCerts; ${CA_SOURCE})`;
}

/** An error's message followed by the messages of its causes. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}

/**
 * A copy of `error` and its causes with their messages {@link redact}ed, each keeping its
 * name and `code` (what the retries tell failures apart by).
 */
function redactedCauses(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return redact(String(error));
  const deeper = error.cause !== undefined && depth < 4;
  const copy = new Error(redact(error.message), {
    cause: deeper ? redactedCauses(error.cause, depth + 1) : undefined,
  });
  copy.name = error.name;
  const { code } = error as { code?: unknown };
  if (typeof code === "string") Object.assign(copy, { code });
  return copy;
}

/** A transfer URL for the log: its path holds the transfer ticket, so only the origin shows. */
function hideTicket(url: URL): string {
  return `${url.origin}/[transfer path hidden]`;
}

/**
 * Requests to the API as the connection sends them: the URL under the API root, the
 * standard and configured headers, the SSO token (see {@link Authenticator}), and the
 * repetitions the retry policy allows (see `retry.ts`).
 *
 * A request takes its slot of the connection's cap (see {@link Limiter}) before its token:
 * a request that waited for a slot while the token was renewed goes out with the new one,
 * not with the one the engine has just refused.
 *
 * A read (`GET`) in flight ends as soon as the connection starts closing (see `closing.ts`);
 * a change in flight finishes.
 *
 * @module
 */

import type { Authenticator } from "./auth.ts";
import { ReadsInFlight } from "./closing.ts";
import type { Deadline } from "./deadline.ts";
import type { DebugLog } from "./debug_log.ts";
import { type HttpResponse, setHeaders } from "./http.ts";
import type { HttpClient } from "./http_client.ts";
import type { Limiter } from "./limiter.ts";
import { answeredWithToken } from "./response_error.ts";
import { lostAnswer, neverSent, type RetryPlan, withRetries } from "./retry.ts";
import { USER_AGENT } from "./version.ts";

/**
 * `all_content=true` in a query made by {@link ApiClient.url}, which asks for the
 * `All-Content` header too (without the `URLSearchParams` object a URL makes when asked).
 */
const ALL_CONTENT = /[?&]all_content=true(?:&|$)/;

/**
 * How many URLs an {@link ApiClient} keeps parsed. Parsing one costs a few microseconds
 * within a call, a good part of what a small `get()` adds to `fetch`; a client asks for the
 * same few URLs again and again.
 */
const PARSED_URLS = 256;

/** One API request before the connection's additions. */
export interface ApiRequest {
  /** HTTP method. */
  readonly method: string;
  /** Absolute URL, made by {@link ApiClient.url}. */
  readonly url: URL;
  /** Headers of this call; they win over the connection's. */
  readonly headers?: Readonly<Record<string, string>>;
  /** XML body. */
  readonly body?: string;
  /** The call's deadline: its signal ends the request, and the waits between attempts. */
  readonly deadline: Deadline;
  /** When to send it again. */
  readonly retry: RetryPlan;
  /** Sent as the `Correlation-Id` header, to find the engine's jobs and events of the call. */
  readonly correlationId?: string;
  /** The answer is a list, which may be long (see `HttpRequest.bulk`). */
  readonly bulk?: boolean;
}

/** What an {@link ApiClient} adds to every request. */
export interface ApiDefaults {
  /** Headers of the connection. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters of the connection. */
  readonly query: Readonly<Record<string, string>>;
}

/** Sends {@link ApiRequest}s under one API root with one set of credentials. */
export class ApiClient {
  readonly #root: string;
  readonly #defaults: ApiDefaults;
  readonly #auth: Authenticator;
  readonly #http: HttpClient;
  readonly #log?: DebugLog;
  readonly #limiter: Limiter;
  /** Ends the reads in flight once the limiter closes: the connection is closing. */
  readonly #reads: ReadsInFlight;
  /** The URLs made lately, by their text: no one changes a request's URL. */
  readonly #parsed = new Map<string, URL>();

  /**
   * Sends below `apiUrl` through `http`, adding the connection's `defaults` and the token of
   * `auth`; repetitions are noted in `log`. Each request takes its slot of `limiter` (the
   * cap `http` sends within) before its token, and no request waits to be tried again once
   * the limiter is closed; a read in flight then ends.
   */
  constructor(
    apiUrl: URL,
    defaults: ApiDefaults,
    auth: Authenticator,
    http: HttpClient,
    limiter: Limiter,
    log?: DebugLog,
  ) {
    this.#root = apiUrl.origin + apiUrl.pathname.replace(/\/+$/, "");
    this.#defaults = defaults;
    this.#auth = auth;
    this.#http = http;
    this.#log = log;
    this.#limiter = limiter;
    this.#reads = new ReadsInFlight(limiter.closing);
  }

  /**
   * The absolute URL of `path` (percent-encoded segments, empty for the API root) with
   * `query` sorted by name.
   */
  url(path: string, callQuery: Readonly<Record<string, string>> = {}): URL {
    const query = { ...this.#defaults.query, ...callQuery };
    let url = path === "" ? this.#root : `${this.#root}/${path}`;
    const names = Object.keys(query).sort();
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      url += `${i === 0 ? "?" : "&"}${encodeURIComponent(name)}=${encodeURIComponent(query[name])}`;
    }
    return this.#parsedUrl(url);
  }

  /** The URL of `text`, parsed the first time it is asked for lately. */
  #parsedUrl(text: string): URL {
    let url = this.#parsed.get(text);
    if (url === undefined) {
      if (this.#parsed.size >= PARSED_URLS) this.#parsed.clear();
      url = new URL(text);
      this.#parsed.set(text, url);
    }
    return url;
  }

  /**
   * Sends `request` with the token, logging in again once if the server rejects it, and
   * again as the retry plan allows. The answer's body must be read or cancelled.
   */
  send(request: ApiRequest): Promise<HttpResponse> {
    const { method, url, deadline } = request;
    const headers = this.#headers(request);
    const context = {
      exchange: { method, url },
      plan: request.retry,
      deadline,
      closing: this.#limiter.closing,
      log: this.#log,
    };
    // Attempts follow one another, so they can share the headers object and what they met.
    const call: CallState = { headers, answerLost: false };
    return withRetries(context, () => this.#attempt(request, call));
  }

  /** One attempt at `request`: a slot of the cap first, when free or once free, then the token. */
  #attempt(request: ApiRequest, call: CallState): Promise<HttpResponse> {
    const limiter = this.#limiter, signal = request.deadline.signal;
    const free = limiter.tryAcquire(signal);
    if (free !== undefined) {
      return this.#authorized(request, call, free);
    }
    request.deadline.waitingFor("a free connection");
    return limiter.acquire(signal).then((slot) => this.#authorized(request, call, slot));
  }

  /**
   * Sends `request` with the token, in `slot` when it has one. The token is the one held
   * now: `authorize` calls back at once when it holds one. When it must log in first, the
   * slot is given back meanwhile (the login may need it, and so may the requests that do not
   * wait for it), and the request waits for a slot again ({@link ApiClient.#sendWhenFree}).
   * The deadline notes what the request waits for, and when it goes out.
   */
  #authorized(request: ApiRequest, call: CallState, slot?: () => void): Promise<HttpResponse> {
    const { deadline } = request;
    let held = slot;
    deadline.waitingFor(this.#auth.loginWaited);
    const answer = this.#auth.authorize((token) => {
      const taken = held;
      held = undefined;
      if (taken === undefined) return this.#sendWhenFree(request, call);
      call.headers.authorization = `Bearer ${token}`;
      return this.#sent(request, call, taken);
    }, deadline.signal);
    held?.();
    held = undefined;
    return answer;
  }

  /**
   * Sends `request` in the next free slot with the token held when the slot is had: a token
   * renewed, refused or expired while the request waited is not sent (a queue of requests
   * would each get a 401, and the renewal would wait behind them). With no token held then,
   * the slot is given back until the login (shared) is done.
   */
  async #sendWhenFree(request: ApiRequest, call: CallState): Promise<HttpResponse> {
    const { deadline } = request;
    for (;;) {
      deadline.waitingFor("a free connection");
      const slot = await this.#limiter.acquire(deadline.signal);
      const token = this.#auth.heldToken();
      if (token !== undefined) {
        call.headers.authorization = `Bearer ${token}`;
        return this.#sent(request, call, slot);
      }
      slot();
      deadline.waitingFor(this.#auth.loginWaited);
      await this.#auth.token(deadline.signal);
    }
  }

  /** Sends `request` in `slot`, unless its call has ended meanwhile (it then frees the slot). */
  #sent(request: ApiRequest, call: CallState, slot: () => void): Promise<HttpResponse> {
    const { method, url, deadline } = request;
    if (deadline.signal?.aborted) {
      slot();
      return Promise.reject(deadline.signal.reason);
    }
    deadline.sending(method);
    const token = call.headers.authorization.slice("Bearer ".length);
    const answer = this.#http.send({
      method,
      url,
      headers: call.headers,
      body: request.body,
      bulk: request.bulk,
      signal: this.#reads.signal(method, request.bulk, deadline.signal),
    }, slot).then((response) => {
      // A page that repeats the token (a proxy echoing headers) must not show it in the error.
      if (response.status >= 400) answeredWithToken(response, token);
      return response;
    });
    if (method === "GET") return answer;
    // A change's attempt that was refused, or never reached the engine, was not carried out:
    // a call that ends later (waiting to repeat it) must not say it may have been, unless an
    // attempt lost its answer (a proxy's 502 or 504, a connection cut after sending), which
    // no later refusal undoes: the call then says that the engine may have carried it out.
    return answer.then((response) => {
      if (lostAnswer(response.status)) call.answerLost = true;
      else if (response.status >= 300 && !call.answerLost) deadline.notCarriedOut("refused");
      return response;
    }, (error) => {
      if (!neverSent(error)) call.answerLost = true;
      else if (!call.answerLost) deadline.notCarriedOut("unreached");
      throw error;
    });
  }

  /** The headers of `request` but the token: the standard ones, the connection's, the call's. */
  #headers(request: ApiRequest): Record<string, string> {
    const headers: Record<string, string> = {
      "version": "4",
      "accept": "application/xml",
      "user-agent": USER_AGENT,
    };
    if (request.body !== undefined) headers["content-type"] = "application/xml";
    if (ALL_CONTENT.test(request.url.search)) headers["all-content"] = "true";
    setHeaders(headers, this.#defaults.headers);
    if (request.headers) setHeaders(headers, request.headers);
    // The id the runtime chose (and errors name) wins over any header of that name.
    if (request.correlationId !== undefined) headers["correlation-id"] = request.correlationId;
    return headers;
  }
}

/** What the attempts of one call share. */
interface CallState {
  /** The headers, the token's included. */
  readonly headers: Record<string, string>;
  /** Whether an attempt went out and lost its answer: the engine may have carried it out. */
  answerLost: boolean;
}

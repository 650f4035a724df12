/**
 * Requests to the API as the connection sends them: the URL under the API root, the
 * standard and configured headers, and the SSO token (see {@link Authenticator}).
 *
 * @module
 */

import type { Authenticator } from "./auth.ts";
import type { HttpResponse } from "./http.ts";
import type { HttpClient } from "./http_client.ts";
import { USER_AGENT } from "./version.ts";

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
  /** Ends the request. */
  readonly signal?: AbortSignal;
}

/** Sends {@link ApiRequest}s under one API root with one set of credentials. */
export class ApiClient {
  readonly #root: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #query: Readonly<Record<string, string>>;
  readonly #auth: Authenticator;
  readonly #http: HttpClient;

  /**
   * Sends below `apiUrl` through `http`, adding the connection's `headers` and `query` and
   * the token of `auth`.
   */
  constructor(
    apiUrl: URL,
    extra: {
      readonly headers: Readonly<Record<string, string>>;
      readonly query: Readonly<Record<string, string>>;
    },
    auth: Authenticator,
    http: HttpClient,
  ) {
    this.#root = apiUrl.origin + apiUrl.pathname.replace(/\/+$/, "");
    this.#headers = extra.headers;
    this.#query = extra.query;
    this.#auth = auth;
    this.#http = http;
  }

  /**
   * The absolute URL of `path` (percent-encoded segments, empty for the API root) with
   * `query` sorted by name.
   */
  url(path: string, callQuery: Readonly<Record<string, string>> = {}): URL {
    const query = { ...this.#query, ...callQuery };
    let url = path === "" ? this.#root : `${this.#root}/${path}`;
    const names = Object.keys(query).sort();
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      url += `${i === 0 ? "?" : "&"}${encodeURIComponent(name)}=${encodeURIComponent(query[name])}`;
    }
    return new URL(url);
  }

  /**
   * Sends `request` with the token, logging in again once if the server rejects it. The
   * answer's body must be read or cancelled.
   */
  send(request: ApiRequest): Promise<HttpResponse> {
    const { url } = request;
    const headers = new Headers({
      "Version": "4",
      "Accept": "application/xml",
      "User-Agent": USER_AGENT,
    });
    if (request.body !== undefined) headers.set("Content-Type", "application/xml");
    if (url.searchParams.get("all_content") === "true") headers.set("All-Content", "true");
    for (const extra of [this.#headers, request.headers ?? {}]) {
      for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    }
    // Attempts follow one another, so they can share the headers object.
    return this.#auth.authorize((token) => {
      headers.set("Authorization", `Bearer ${token}`);
      return this.#http.send({
        method: request.method,
        url,
        headers,
        body: request.body,
        signal: request.signal,
      });
    }, request.signal);
  }
}

/**
 * The default transport: `fetch` through an HTTP client of its own, so that its TLS trust
 * and its kept-alive connections belong to one SDK connection.
 *
 * @module
 */

import { emptyStream } from "./body.ts";
import type { HttpRequest, HttpResponse, HttpTransport } from "./http.ts";

/** Sends requests with `fetch` and a dedicated `Deno.HttpClient`. */
export class FetchTransport implements HttpTransport {
  readonly #client: Deno.HttpClient;

  /** Trusts `caCerts` (PEM) if given, else Deno's default trust store. */
  constructor(caCerts?: readonly string[]) {
    this.#client = Deno.createHttpClient(caCerts?.length ? { caCerts: [...caCerts] } : {});
  }

  /** Sends `request`; redirects are returned, not followed. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      client: this.#client,
      redirect: "manual",
    });
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: response.body ?? emptyStream(),
    };
  }

  /** Closes the HTTP client and its connections. */
  close(): void {
    this.#client.close();
  }
}

/**
 * A small engine stand-in for the transport tests: a real HTTP(S) server on loopback with
 * the SSO endpoints and bearer checks of the engine, and API answers given by each test.
 */

/** What a test's API handler gets besides the request. */
export interface ApiContext {
  /** Path below `/ovirt-engine/api/` (no leading slash; empty for the root). */
  readonly path: string;
  /** The parsed URL. */
  readonly url: URL;
}

/** Options of {@link startFakeEngine}. */
export interface FakeEngineOptions {
  /** Answers API requests that carry a valid token; `<api/>` by default. */
  readonly api?: (request: Request, context: ApiContext) => Response | Promise<Response>;
  /** Answers SSO token requests instead of the built-in password check. */
  readonly sso?: (form: URLSearchParams, request: Request) => Response | Promise<Response>;
  /** Answers SSO logout requests instead of revoking the token and answering `{}`. */
  readonly logout?: (form: URLSearchParams) => Response | Promise<Response>;
  /** TLS certificate and key (PEM): serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Delay of each SSO answer, in milliseconds. */
  readonly ssoDelay?: number;
  /** The password of {@link USERNAME}, instead of {@link PASSWORD}. */
  readonly password?: string;
}

/** A running fake engine. */
export interface FakeEngine extends AsyncDisposable {
  /** The API root URL. */
  readonly url: string;
  /** `scheme://host:port`. */
  readonly origin: string;
  /** Every form posted to the token endpoint. */
  readonly logins: URLSearchParams[];
  /** The headers of every token request. */
  readonly loginHeaders: Headers[];
  /** Every form posted to the logout endpoint. */
  readonly logouts: URLSearchParams[];
  /** Every API request that arrived (before the token check). */
  readonly requests: Request[];
  /** The body text of each of `requests`. */
  readonly bodies: string[];
  /** Tokens currently accepted. */
  readonly validTokens: Set<string>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** The user the fake engine knows. */
export const USERNAME = "admin@internal";
/** The password of {@link USERNAME}; tests assert it never shows up in logs or messages. */
export const PASSWORD = "s3cret-p@ss word&=";

/** The HTML page an engine answers 401 with. */
export const UNAUTHORIZED_PAGE =
  "<html><head><title>Error</title></head><body>Unauthorized</body></html>";

/** An XML answer. */
export function xml(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "application/xml;charset=UTF-8", ...headers },
  });
}

/** Starts a fake engine on a free loopback port. */
export function startFakeEngine(options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const logins: URLSearchParams[] = [];
  const loginHeaders: Headers[] = [];
  const logouts: URLSearchParams[] = [];
  const requests: Request[] = [];
  const bodies: string[] = [];
  const validTokens = new Set<string>();
  let issued = 0;

  const sso = async (request: Request): Promise<Response> => {
    const form = new URLSearchParams(await request.text());
    logins.push(form);
    loginHeaders.push(request.headers);
    if (options.ssoDelay) await new Promise((resolve) => setTimeout(resolve, options.ssoDelay));
    if (options.sso) return options.sso(form, request);
    if (request.headers.get("accept") !== "application/json") {
      return Response.json({
        error: "invalid_request",
        error_description: "Missing parameter: 'Accept Header'",
      }, { status: 400 });
    }
    if (
      form.get("username") !== USERNAME || form.get("password") !== (options.password ?? PASSWORD)
    ) {
      return Response.json({
        error: "access_denied",
        error_description: `Cannot authenticate user '${form.get("username")}': ` +
          "The username or password is incorrect..",
      }, { status: 400 });
    }
    const token = `token-${++issued}-${crypto.randomUUID()}`;
    validTokens.add(token);
    return Response.json({
      access_token: token,
      scope: "ovirt-app-api",
      exp: "9223372036854775807",
      token_type: "bearer",
    });
  };

  const handler = async (received: Request): Promise<Response> => {
    const url = new URL(received.url);
    if (url.pathname === "/ovirt-engine/sso/oauth/token" && received.method === "POST") {
      return sso(received);
    }
    if (url.pathname === "/ovirt-engine/services/sso-logout" && received.method === "POST") {
      const form = new URLSearchParams(await received.text());
      logouts.push(form);
      if (options.logout) return options.logout(form);
      validTokens.delete(form.get("token") ?? "");
      return Response.json({});
    }
    if (url.pathname !== "/ovirt-engine/api" && !url.pathname.startsWith("/ovirt-engine/api/")) {
      return new Response("<html><body>Not Found</body></html>", {
        status: 404,
        headers: { "Content-Type": "text/html" },
      });
    }
    // A copy the tests can keep: the received request dies with its connection.
    const body = await received.text();
    const request = new Request(received.url, {
      method: received.method,
      headers: received.headers,
      body: body === "" ? undefined : body,
    });
    requests.push(request);
    bodies.push(body);
    const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
    if (token === undefined || !validTokens.has(token)) {
      return new Response(UNAUTHORIZED_PAGE, {
        status: 401,
        headers: {
          "Content-Type": "text/html;charset=UTF-8",
          "WWW-Authenticate": 'Basic realm="RESTAPI"',
        },
      });
    }
    const path = url.pathname.slice("/ovirt-engine/api/".length);
    if (options.api) return options.api(request, { path, url });
    return xml("<api><product_info><name>oVirt Engine</name></product_info></api>");
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      port: 0,
      hostname: "127.0.0.1",
      ...options.tls,
      onListen({ port }) {
        const origin = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
        const close = () => server.shutdown();
        resolve({
          url: `${origin}/ovirt-engine/api`,
          origin,
          logins,
          loginHeaders,
          logouts,
          requests,
          bodies,
          validTokens,
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, handler);
  });
}

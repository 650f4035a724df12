/**
 * Answers that are neither a token nor an SSO error (a proxy's or identity provider's login
 * page, a redirect, JSON without a token), and the engine's web server redirecting a URL
 * without `/ovirt-engine/api`: the error says what came back and what to check.
 */

import assert from "node:assert/strict";
import { AuthError, Connection, OvirtError } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";

const LOGIN_PAGE = "<html><head><title>Sign in</title></head><body><form></form></body></html>";

/** SSO answers, and what the login error must say about each. */
const ANSWERS: Record<string, [() => Response, RegExp]> = {
  "a login page with 200": [
    () => new Response(LOGIN_PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
    /failed: an answer with HTTP status 200 and a body of type text\/html, not the SSO's JSON: is the connection URL the engine's \(https:\/\/<engine host>\/ovirt-engine\/api\).*give ssoUrl with that prefix$/,
  ],
  "a redirect to an identity provider": [
    () =>
      new Response(null, {
        status: 302,
        headers: { location: "https://idp.example/auth?state=Zq81xState&client=x#frag" },
      }),
    /failed: a redirect \(HTTP status 302\) to https:\/\/idp\.example\/auth\?\.\.\., which is not followed: is the connection URL/,
  ],
  "JSON without a token": [
    () => Response.json({ token_type: "bearer", scope: "ovirt-app-api" }),
    /failed: the answer \(HTTP status 200\) is JSON without an access_token$/,
  ],
  "a 404 page (a path prefix the SSO URL lacks)": [
    () =>
      new Response("<html>Not Found</html>", {
        status: 404,
        headers: { "content-type": "text/html" },
      }),
    /failed: an answer with HTTP status 404 and a body of type text\/html, not the SSO's JSON: .*ssoUrl/,
  ],
  "JSON that cannot be read": [
    () =>
      new Response('{"access_token": "abc', { headers: { "content-type": "application/json" } }),
    /failed: the answer \(HTTP status 200\) says it is JSON, but it cannot be read as JSON$/,
  ],
  "a server error page (no address to check)": [
    () =>
      new Response("<html>Oops</html>", { status: 500, headers: { "content-type": "text/html" } }),
    /failed: an answer with HTTP status 500 and a body of type text\/html, not the SSO's JSON$/,
  ],
  "plain text with 200": [
    () => new Response("ok"),
    /failed: an answer with HTTP status 200 and a body of type text\/plain, not the SSO's JSON/,
  ],
};

for (const [name, [answer, expected]] of Object.entries(ANSWERS)) {
  Deno.test(`SSO login answered with ${name}: the error says what came back`, async () => {
    await using engine = await startFakeEngine({ sso: answer });
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
    });
    await assert.rejects(connection.test(true), (error: Error) => {
      assert.ok(error instanceof AuthError, String(error));
      assert.match(
        error.message,
        /^SSO login at http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/sso\/oauth\/token /,
      );
      assert.match(error.message, expected);
      assert.ok(!error.message.includes("Zq81xState"), "the redirect's query is not shown");
      return true;
    });
    assert.equal(engine.logins.length, 1);
  });
}

Deno.test("a URL without /ovirt-engine/api that the web server redirects says where to", async () => {
  // The engine's Apache sends / to /ovirt-engine/ (RedirectMatch ^/$ /ovirt-engine/).
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/ovirt-engine/sso/oauth/token") {
      await request.body?.cancel();
      return Response.json({ access_token: "token-1", exp: "9223372036854775807" });
    }
    if (pathname === "/ovirt-engine/services/sso-logout") return Response.json({});
    return new Response("<html>Found</html>", {
      status: 302,
      headers: { location: "https://engine.example/ovirt-engine/", "content-type": "text/html" },
    });
  });
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    await using connection = new Connection({
      url: origin,
      username: USERNAME,
      password: PASSWORD,
    });
    await assert.rejects(connection.test(true), (error: Error) => {
      assert.ok(error instanceof OvirtError, String(error));
      assert.equal(
        error.message,
        `Redirected (HTTP 302 Found from GET ${origin}/) to https://engine.example/ovirt-engine/, ` +
          "which is not followed; check that the connection URL is the API root, usually " +
          "https://<engine host>/ovirt-engine/api",
      );
      return true;
    });
  } finally {
    await server.shutdown();
  }
});

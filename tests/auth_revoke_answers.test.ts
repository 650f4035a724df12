/**
 * What the SSO's answers to a logout and a login mean, and what a token the API refuses
 * becomes: a revocation counts only when the SSO answers as the engine's does (JSON `{}`); a
 * failed one keeps the token and is sent again; a 401 right after a login the SSO accepted
 * says so, and the token it refused is revoked.
 */

import assert from "node:assert/strict";
import { AuthError, Connection } from "../mod.ts";

const LOGOUT = "/ovirt-engine/services/sso-logout";
const PASSWORD = "pw-Zq81!";
const API_ROOT = "<api><product_info><name>oVirt Engine</name></product_info></api>";

/** How the small engine answers; each part has a default. */
interface Answers {
  /** The answer to the `count`-th logout (from 1), for `token`, sent as `request`. */
  logout?: (token: string, count: number, request: Request) => Response | Promise<Response>;
  /** The answer to an API request. */
  api?: (request: Request) => Response;
  /** The answer to a login; default: a new token `T<n>`. */
  login?: (count: number) => Response;
}

/** A small engine and SSO on loopback, recording what reaches it. */
function startEngine(answers: Answers = {}) {
  const revoked: string[] = [];
  const sentTokens: string[] = [];
  let logins = 0;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === LOGOUT) {
        const token = new URLSearchParams(await request.text()).get("token") ?? "";
        revoked.push(token);
        return answers.logout?.(token, revoked.length, request) ?? Response.json({});
      }
      if (pathname.startsWith("/ovirt-engine/sso/")) {
        await request.body?.cancel();
        logins++;
        return answers.login?.(logins) ??
          Response.json({ access_token: `T${logins}`, exp: "9223372036854775807" });
      }
      sentTokens.push(request.headers.get("authorization") ?? "");
      return answers.api?.(request) ??
        new Response(API_ROOT, { headers: { "content-type": "application/xml" } });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/ovirt-engine/api`,
    revoked,
    sentTokens,
    get logins() {
      return logins;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A connection logging in with a password to `url`, no retries. */
function passwordConnection(url: string) {
  return new Connection({ url, username: "jdoe@example.com", password: PASSWORD, retry: false });
}

Deno.test("revokeToken(): only the SSO's JSON object is a revocation; a page or nothing is an AuthError, and the token stays", async () => {
  const notTheSso: Record<string, () => Response> = {
    "200 HTML page": () =>
      new Response("<html><body><form>Sign in</form></body></html>", {
        headers: { "content-type": "text/html" },
      }),
    "200 without a body": () => new Response(null, { status: 200 }),
    "204": () => new Response(null, { status: 204 }),
    "200 JSON array": () => Response.json([1, 2]),
    "200 JSON string": () => Response.json("ok"),
  };
  for (const [name, answer] of Object.entries(notTheSso)) {
    await using engine = startEngine({ logout: () => answer() });
    await using connection = passwordConnection(engine.url);
    const token = await connection.authenticate();
    await assert.rejects(connection.revokeToken(), (error) => {
      assert.ok(error instanceof AuthError, `${name}: ${error}`);
      assert.match(
        error.message,
        /^SSO logout at http:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/services\/sso-logout failed: /,
      );
      assert.match(error.message, /not the SSO's JSON|not the object the SSO answers/, name);
      if (name !== "200 JSON array" && name !== "200 JSON string") {
        assert.match(error.message, /give ssoRevokeUrl with that prefix/, name);
      }
      return true;
    });
    assert.equal(await connection.authenticate(), token, `${name}: the token is kept`);
    assert.equal(engine.logins, 1, name);
  }
  for (const body of [{}, [{}]]) {
    await using engine = startEngine({ logout: () => Response.json(body) });
    await using connection = passwordConnection(engine.url);
    await connection.authenticate();
    await connection.revokeToken();
    assert.deepEqual(engine.revoked, ["T1"]);
    assert.equal(await connection.authenticate(), "T2", "a revoked token is forgotten");
  }
});

Deno.test("revokeToken(): an empty 200 says there was no body", async () => {
  await using engine = startEngine({ logout: () => new Response(null, { status: 200 }) });
  await using connection = passwordConnection(engine.url);
  await connection.authenticate();
  await assert.rejects(
    connection.revokeToken(),
    /an answer with HTTP status 200 and no body, not the SSO's JSON/,
  );
});

Deno.test("revokeToken() that failed keeps the token: calls use it, and the next revokeToken() sends it again", async () => {
  await using engine = startEngine({
    logout: (_token, count) =>
      count === 1 ? new Response("Service Unavailable", { status: 503 }) : Response.json({}),
  });
  await using connection = passwordConnection(engine.url);
  await connection.authenticate();
  await assert.rejects(connection.revokeToken(), AuthError);
  assert.equal(await connection.test(), true);
  assert.deepEqual(engine.sentTokens, ["Bearer T1"], "the token, still valid, is used");
  await connection.revokeToken();
  assert.deepEqual(engine.revoked, ["T1", "T1"], "the revocation was sent again");
  assert.equal(await connection.authenticate(), "T2");
  assert.equal(engine.logins, 2);
});

Deno.test("close() sends a revocation that failed again, for a token passed in too", async () => {
  for (const given of [false, true]) {
    await using engine = startEngine({
      logout: (_token, count) =>
        count === 1 ? new Response("Bad Gateway", { status: 502 }) : Response.json({}),
    });
    const connection = given
      ? new Connection({ url: engine.url, token: "GIVEN", retry: false })
      : passwordConnection(engine.url);
    const token = await connection.authenticate();
    await assert.rejects(connection.revokeToken(), AuthError);
    await connection.close();
    assert.deepEqual(engine.revoked, [token, token], given ? "given" : "obtained");
  }
});

/** The servlet container's page for `sendError(401, reason)`, the reason escaped. */
function refusalPage(reason: string): Response {
  return new Response(`<html><head><title>Error</title></head><body>${reason}</body></html>`, {
    status: 401,
    headers: { "content-type": "text/html;charset=UTF-8", "www-authenticate": "Basic" },
  });
}

Deno.test("a 401 right after a login the SSO accepted says so, with the engine's reason, not 'check the password'", async () => {
  const reasons = [
    "The user jdoe@example.com with profile [example.com] is not authorized to perform login",
    "Unable to login user jdoe@example.com with profile [example.com] because the maximum " +
    "number of allowed sessions 5 is exceeded",
  ];
  for (const reason of reasons) {
    await using engine = startEngine({ api: () => refusalPage(reason) });
    await using connection = passwordConnection(engine.url);
    await assert.rejects(connection.systemService().get(), (error) => {
      assert.ok(error instanceof AuthError, String(error));
      assert.equal(error.code, 401);
      assert.equal(
        error.message,
        `Not authorized (HTTP 401 Unauthorized from GET ${engine.url}): the SSO accepted the ` +
          "user name and password, but the API refused the session (the user may not be " +
          `allowed to log in, or may have too many sessions): ${reason}`,
      );
      assert.ok(!error.message.includes(PASSWORD));
      return true;
    });
    assert.equal(engine.logins, 2);
  }
});

/** The API's answer when it refuses the first token (`T1`) and takes the others. */
function refusingFirstToken(request: Request): Response {
  return request.headers.get("authorization") === "Bearer T1"
    ? refusalPage("Unauthorized")
    : new Response(API_ROOT, { headers: { "content-type": "application/xml" } });
}

Deno.test("a token the API refused and a new login replaced is revoked, without the call waiting for it", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  await using engine = startEngine({
    api: refusingFirstToken,
    // The SSO is slow to revoke T1: the call does not wait for it.
    logout: async (token) => {
      if (token === "T1") await held;
      return Response.json({});
    },
  });
  const connection = passwordConnection(engine.url);
  await connection.systemService().get();
  assert.deepEqual(engine.sentTokens, ["Bearer T1", "Bearer T2"]);
  assert.deepEqual(engine.revoked, ["T1"], "the refused token's revocation is under way");
  release();
  await connection.close();
  assert.deepEqual(engine.revoked, ["T1", "T2"]);
});

Deno.test("a token passed in that the API refuses is replaced by a login but not revoked", async () => {
  await using engine = startEngine({
    api: (request) =>
      request.headers.get("authorization") === "Bearer GIVEN"
        ? refusalPage("Unauthorized")
        : new Response(API_ROOT, { headers: { "content-type": "application/xml" } }),
  });
  const connection = new Connection({
    url: engine.url,
    token: "GIVEN",
    username: "jdoe@example.com",
    password: PASSWORD,
    retry: false,
  });
  await connection.systemService().get();
  await connection.close();
  assert.deepEqual(engine.revoked, ["T1"], "only the token this connection obtained");
});

Deno.test("a login answered with an access_token that is not a string says so, without quoting it", async () => {
  for (
    const [token, kind] of [[12345, "a number"], [null, "null"], [["x"], "an array"], [
      { v: 1 },
      "an object",
    ], ["", "empty"]] as const
  ) {
    await using engine = startEngine({ login: () => Response.json({ access_token: token }) });
    await using connection = passwordConnection(engine.url);
    await assert.rejects(connection.authenticate(), (error) => {
      assert.ok(error instanceof AuthError, String(error));
      const expected = kind === "empty" ? "is empty" : `is ${kind}, not a string`;
      assert.match(error.message, new RegExp(`is JSON whose access_token ${expected}$`));
      assert.ok(!error.message.includes("12345"));
      return true;
    });
  }
});

/** A promise that resolves once `signal` aborts, to the time it did (`performance.now()`). */
function abortTime(signal: AbortSignal): Promise<number> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(performance.now()), { once: true })
  );
}

Deno.test("the revocation of a refused token the SSO never answers holds no connection and is given up after the time limit, without close()", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let givenUp: Promise<number> | undefined;
  await using engine = startEngine({
    api: refusingFirstToken,
    logout: async (token, _count, request) => {
      if (token === "T1") {
        givenUp = abortTime(request.signal);
        await held; // answers only once the test is over
      }
      return Response.json({});
    },
  });
  // The limit is the connection's timeout, CLOSING_LOGOUT_LIMIT without one (or above it).
  const limit = 1_000;
  const connection = new Connection({
    url: engine.url,
    username: "jdoe@example.com",
    password: PASSWORD,
    retry: false,
    timeout: limit,
    connections: 1, // the revocation must not take the one connection the call needs
  });
  try {
    const started = performance.now();
    await connection.systemService().get();
    const done = performance.now();
    assert.ok(done - started < limit * 0.8, `the call waited ${done - started} ms`);
    assert.ok(givenUp, "the refused token's revocation is under way");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const guard = new Promise<"waiting">((resolve) =>
      timer = setTimeout(resolve, limit + 3_000, "waiting")
    );
    const abortedAt = await Promise.race([givenUp, guard]);
    clearTimeout(timer);
    assert.ok(abortedAt !== "waiting", "the revocation is still waited for: a script hangs");
    const after = abortedAt - done;
    assert.ok(after > limit - 500 && after < limit + 1_500, `${after} ms`);
  } finally {
    release();
    await connection.close();
  }
});

Deno.test("close() waits for a refused token's revocation and for its own within one time limit in all", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  await using engine = startEngine({
    api: refusingFirstToken,
    logout: async () => {
      await held; // no revocation is answered before the test is over
      return Response.json({});
    },
  });
  const connection = new Connection({
    url: engine.url,
    username: "jdoe@example.com",
    password: PASSWORD,
    retry: false,
    timeout: 1_500,
  });
  try {
    await connection.systemService().get();
    const started = performance.now();
    await connection.close();
    const took = performance.now() - started;
    assert.deepEqual(engine.revoked, ["T1", "T2"], "both revocations were sent");
    assert.ok(took < 2_200, `close() took ${took} ms, for a timeout of 1500 ms`);
  } finally {
    release();
  }
});

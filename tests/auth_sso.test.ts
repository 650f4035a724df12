import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { AuthError } from "../transport/errors.ts";
import { startSimulator } from "../testing/mod.ts";
import { PASSWORD, startFakeEngine, UNAUTHORIZED_PAGE, USERNAME, xml } from "./http_fake_engine.ts";

const VMS = "<vms><vm id='1'><name>a</name></vm></vms>";

/** The engine's answer to a token it does not accept. */
function unauthorized(): Response {
  return new Response(UNAUTHORIZED_PAGE, {
    status: 401,
    headers: { "Content-Type": "text/html;charset=UTF-8" },
  });
}

Deno.test("login: the password grant with exactly the headers the SSO needs", async () => {
  await using engine = await startFakeEngine();
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const token = await connection.authenticate();
  assert.ok(engine.validTokens.has(token));
  assert.equal(engine.logins.length, 1);
  const form = engine.logins[0];
  assert.deepEqual(Object.fromEntries(form), {
    grant_type: "password",
    scope: "ovirt-app-api",
    username: USERNAME,
    password: PASSWORD,
  });
  const headers = engine.loginHeaders[0];
  assert.equal(headers.get("accept"), "application/json");
  assert.equal(headers.get("content-type"), "application/x-www-form-urlencoded");
  assert.equal(await connection.authenticate(), token, "the token is reused");
  assert.equal(engine.logins.length, 1);
});

Deno.test("login: 50 concurrent calls share one login", async () => {
  await using engine = await startFakeEngine({ ssoDelay: 50, api: () => xml(VMS) });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const vms = connection.systemService().vmsService();
  const results = await Promise.all(Array.from({ length: 50 }, () => vms.list()));
  assert.equal(results.length, 50);
  assert.equal(engine.logins.length, 1);
  const tokens = new Set(engine.requests.map((r) => r.headers.get("authorization")));
  assert.equal(tokens.size, 1);
});

Deno.test("login: after a 401, one new login shared by 20 calls in flight", async () => {
  let first = "";
  let arrived = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  await using engine = await startFakeEngine({
    // Calls with the first token are held until all 20 are in flight, then rejected.
    api: async (request) => {
      if (request.headers.get("authorization") !== `Bearer ${first}`) return xml(VMS);
      if (++arrived === 20) release();
      await gate;
      return unauthorized();
    },
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 40,
  });
  first = await connection.authenticate();
  const vms = connection.systemService().vmsService();
  const results = await Promise.all(Array.from({ length: 20 }, () => vms.list()));
  assert.equal(results.length, 20);
  assert.equal(arrived, 20);
  assert.equal(engine.logins.length, 2, "exactly one new login");
  assert.equal(engine.requests.length, 40);
});

Deno.test("login: a second 401 after logging in again is an AuthError", async () => {
  await using engine = await startFakeEngine({ api: unauthorized });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  await assert.rejects(connection.systemService().get(), (error) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 401);
    return true;
  });
  assert.equal(engine.logins.length, 2);
  assert.equal(engine.requests.length, 2);
});

Deno.test("login: both SSO error shapes are AuthErrors with the SSO's text", async (t) => {
  const shapes = {
    "error + error_description": {
      error: "access_denied",
      error_description: "Cannot authenticate user 'admin@internal': wrong password.",
    },
    "error_code + error": {
      error_code: "access_denied",
      error: "Cannot authenticate user 'admin@internal': wrong password.",
    },
  };
  for (const [name, body] of Object.entries(shapes)) {
    await t.step(name, async () => {
      await using engine = await startFakeEngine({
        sso: () => Response.json(body, { status: 400 }),
      });
      await using connection = new Connection({
        url: engine.url,
        username: USERNAME,
        password: PASSWORD,
      });
      await assert.rejects(connection.systemService().get(), (error) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 400);
        assert.match(error.message, /wrong password\. \(access_denied\)/);
        assert.ok(!error.message.includes(PASSWORD));
        return true;
      });
    });
  }
});

Deno.test("login: a wrong password is an AuthError that does not echo the password", async () => {
  await using engine = await startFakeEngine();
  const password = "not-the-password";
  await using connection = new Connection({ url: engine.url, username: USERNAME, password });
  await assert.rejects(connection.authenticate(), (error) => {
    assert.ok(error instanceof AuthError);
    assert.match(error.message, /incorrect/);
    assert.ok(!error.message.includes(password));
    return true;
  });
});

Deno.test("login: a one-element array answer and a huge numeric exp are accepted", async () => {
  await using engine = await startFakeEngine({
    sso: () =>
      new Response('[{"access_token":"arrayed","exp":9223372036854775807}]', {
        headers: { "Content-Type": "application/json" },
      }),
  });
  engine.validTokens.add("arrayed");
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  assert.equal(await connection.authenticate(), "arrayed");
  assert.equal(await connection.test(), true);
  assert.equal(engine.logins.length, 1, "an expiry far away does not cause new logins");
});

Deno.test("login: an answer that is not JSON is an AuthError", async () => {
  await using engine = await startFakeEngine({
    sso: () => new Response("<html>Not here</html>", { status: 404 }),
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  await assert.rejects(connection.authenticate(), (error) => {
    assert.ok(error instanceof AuthError);
    assert.match(error.message, /HTTP status 404/);
    return true;
  });
});

Deno.test("token: a supplied token is used as is and never revoked", async () => {
  await using engine = await startFakeEngine();
  engine.validTokens.add("supplied");
  const connection = new Connection({ url: engine.url, token: "supplied" });
  assert.equal(await connection.authenticate(), "supplied");
  assert.equal(await connection.test(), true);
  await connection.close();
  assert.equal(engine.logins.length, 0);
  assert.equal(engine.logouts.length, 0);
});

Deno.test("token: a rejected supplied token without credentials is an AuthError", async () => {
  await using engine = await startFakeEngine();
  await using connection = new Connection({ url: engine.url, token: "stale" });
  await assert.rejects(connection.systemService().get(), (error) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 401);
    return true;
  });
  assert.equal(engine.logins.length, 0);
});

Deno.test("token: a rejected supplied token is replaced by a login when credentials exist", async () => {
  await using engine = await startFakeEngine();
  await using connection = new Connection({
    url: engine.url,
    token: "stale",
    username: USERNAME,
    password: PASSWORD,
  });
  assert.equal(await connection.test(), true);
  assert.equal(engine.logins.length, 1);
});

Deno.test("logout: close() revokes the obtained token; close(false) does not", async () => {
  await using engine = await startFakeEngine();
  const revoking = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  const token = await revoking.authenticate();
  await revoking.close();
  assert.equal(engine.logouts.length, 1);
  assert.deepEqual(Object.fromEntries(engine.logouts[0]), {
    scope: "ovirt-app-api",
    token,
  });
  const keeping = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  await keeping.authenticate();
  await keeping.close(false);
  assert.equal(engine.logouts.length, 1);
});

Deno.test("logout: a connection that never logged in sends nothing on close", async () => {
  await using engine = await startFakeEngine();
  const connection = new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
  await connection.close();
  assert.equal(engine.logins.length + engine.logouts.length + engine.requests.length, 0);
});

Deno.test("sso: ssoUrl and ssoRevokeUrl override the endpoints", async () => {
  const seen: string[] = [];
  const sso = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
    return Response.json(seen.length === 1 ? { access_token: "elsewhere" } : {});
  });
  try {
    await using engine = await startFakeEngine();
    const base = `http://127.0.0.1:${sso.addr.port}`;
    const connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      ssoUrl: `${base}/custom/token`,
      ssoRevokeUrl: `${base}/custom/logout`,
    });
    assert.equal(await connection.authenticate(), "elsewhere");
    await connection.close();
    assert.equal(seen.length, 2);
    assert.match(seen[0], /^POST \/custom\/token grant_type=password/);
    assert.equal(seen[1], "POST /custom/logout scope=ovirt-app-api&token=elsewhere");
    assert.equal(engine.logins.length, 0);
  } finally {
    await sso.shutdown();
  }
});

Deno.test("tokenExpiry(): the SSO's expiry after a login, nothing before", async () => {
  await using simulator = await startSimulator({ delay: 0, tokenLifetime: 60_000 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  assert.equal(connection.tokenExpiry(), undefined);
  const before = Date.now();
  await connection.authenticate();
  const expiry = connection.tokenExpiry()!.getTime();
  assert.ok(expiry >= before + 60_000 - 1_000 && expiry <= Date.now() + 60_000, String(expiry));
});

Deno.test("revokeToken(): a token passed in is revoked too, and forgotten", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const login = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const token = await login.authenticate();
  await login.close(false); // keeps the token alive
  await using given = new Connection({ url: simulator.url, token });
  assert.equal(await given.test(), true);
  await given.close(); // close() leaves a given token alone
  await using again = new Connection({ url: simulator.url, token });
  assert.equal(await again.test(), true);
  await again.revokeToken();
  await assert.rejects(again.systemService().vmsService().list(), AuthError);
  await using check = new Connection({ url: simulator.url, token });
  assert.equal(await check.test(), false, "the SSO no longer knows the token");
});

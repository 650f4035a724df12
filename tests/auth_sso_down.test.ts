import assert from "node:assert/strict";
import { Connection, type ConnectionOptions } from "../mod.ts";
import { AuthError, OvirtError, TimeoutError } from "../transport/errors.ts";
import { DEFAULT_RETRY } from "../transport/retry.ts";
import { type FakeEngine, PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** The page Apache answers while the engine's SSO webapp is not up. */
const UNAVAILABLE_PAGE = "<html><body><h1>Service Unavailable</h1></body></html>";

/**
 * A fake engine whose SSO answers 503 with an HTML page while `down` is set, and a token
 * the API accepts otherwise.
 */
async function engineWithSso(): Promise<{ engine: FakeEngine; sso: { down: boolean } }> {
  const sso = { down: true };
  let issued = 0;
  const engine: FakeEngine = await startFakeEngine({
    api: () => xml("<vms/>"),
    sso: () => {
      if (sso.down) {
        return new Response(UNAVAILABLE_PAGE, {
          status: 503,
          headers: { "content-type": "text/html" },
        });
      }
      const token = `token-${++issued}`;
      engine.validTokens.add(token);
      return Response.json({ access_token: token, token_type: "bearer" });
    },
  });
  return { engine, sso };
}

/** A connection to `engine` as its user, with `options`. */
function connectionTo(engine: FakeEngine, options: Partial<ConnectionOptions> = {}): Connection {
  return new Connection({ url: engine.url, username: USERNAME, password: PASSWORD, ...options });
}

Deno.test("a down SSO gets one login at a time, its attempts shared by every waiting call", async () => {
  const { engine, sso } = await engineWithSso();
  await using _engine = engine;
  await using connection = connectionTo(engine);
  const vms = connection.systemService().vmsService();
  const calls = await Promise.allSettled(Array.from({ length: 100 }, () => vms.list()));
  // Not one login per call trying again after its own backoff: the retry plan's attempts.
  assert.equal(engine.logins.length, DEFAULT_RETRY.attempts);
  const reasons = calls.map((call) => call.status === "rejected" ? call.reason : call.value);
  for (const reason of reasons) {
    assert.ok(reason instanceof AuthError, `${reason}`);
    assert.equal(reason.code, 503);
    assert.equal(reason.message, reasons[0].message);
  }
  assert.match(reasons[0].message, /status 503 .*\(4 attempts, each failing the same way\)$/);
  assert.equal(engine.requests.length, 0);

  sso.down = false;
  const after = await Promise.all(Array.from({ length: 100 }, () => vms.list()));
  assert.equal(after.length, 100);
  assert.equal(engine.logins.length, DEFAULT_RETRY.attempts + 1); // one login for them all
});

Deno.test("a caller's signal ends its wait for a login between two of its attempts", async () => {
  const { engine } = await engineWithSso();
  await using _engine = engine;
  await using connection = connectionTo(engine, { retry: { delay: 5_000, maxDelay: 5_000 } });
  const vms = connection.systemService().vmsService();
  const started = performance.now();
  const waiting = vms.list(); // shares the login, its own time unlimited
  await assert.rejects(vms.list({ signal: AbortSignal.timeout(300) }), (error: unknown) => {
    assert.ok(error instanceof Error && error.name === "TimeoutError", `${error}`);
    return true;
  });
  assert.ok(performance.now() - started < 2_000, "ended by its own signal, not the backoff");
  assert.equal(engine.logins.length, 1);
  // Closing ends the login's wait before its next attempt: the other call fails at once.
  await connection.close(false);
  await assert.rejects(waiting, OvirtError, "The connection is closed");
  assert.ok(performance.now() - started < 2_000, "closing ended the backoff");
  assert.equal(engine.logins.length, 1);
});

Deno.test("an SSO back within the login's retries lets every waiting call through", async () => {
  const { engine, sso } = await engineWithSso();
  await using _engine = engine;
  await using connection = connectionTo(engine, { retry: { delay: 100 } });
  const vms = connection.systemService().vmsService();
  const calls = Promise.all(Array.from({ length: 50 }, () => vms.list()));
  while (engine.logins.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  sso.down = false; // the second attempt is answered
  assert.equal((await calls).length, 50);
  assert.equal(engine.logins.length, 2);
  assert.equal(engine.requests.length, 50);
});

Deno.test("an SSO answering 500 is not asked again: one login for every waiting call", async () => {
  await using engine = await startFakeEngine({
    sso: () =>
      new Response("<html>Oops</html>", { status: 500, headers: { "content-type": "text/html" } }),
  });
  await using connection = connectionTo(engine);
  const vms = connection.systemService().vmsService();
  const calls = await Promise.allSettled(Array.from({ length: 50 }, () => vms.list()));
  assert.equal(engine.logins.length, 1);
  for (const call of calls) {
    assert.ok(call.status === "rejected" && call.reason instanceof AuthError);
    assert.equal(call.reason.code, 500);
  }
});

Deno.test("a call whose time runs out while the shared login waits to try again names the login's failed attempts", async () => {
  const { engine } = await engineWithSso();
  await using _engine = engine;
  await using connection = connectionTo(engine, {
    timeout: 600,
    retry: { attempts: 4, delay: 400 },
  });
  const waited =
    /: it was never sent \(it waited for the login, of which [1-9] attempts? failed: .*SSO login at .* failed: an answer with HTTP status 503/;
  await assert.rejects(
    connection.systemService().vmsService().list(),
    (error: unknown) => error instanceof TimeoutError && waited.test(error.message),
  );
  await assert.rejects(
    connection.authenticate(),
    (error: unknown) => error instanceof TimeoutError && waited.test(error.message),
  );
});

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { AuthError, OvirtError } from "../transport/errors.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

/** An SSO answer of `status` with the JSON `body`. */
function json(body: unknown, status = 400): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The error a login fails with when the SSO answers `answer`. */
async function loginError(answer: () => Response): Promise<Error> {
  await using engine = await startFakeEngine({ sso: answer });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    retry: false,
  });
  try {
    await connection.authenticate();
  } catch (error) {
    return error as Error;
  }
  assert.fail("the login succeeded");
}

Deno.test("SSO errors: terminal controls are escaped, long text is cut", async () => {
  const escapes = await loginError(() =>
    json({ error: "access_denied", error_description: "\u001b[2J\u009b31m\u202eExpired\r\nrun x" })
  );
  assert.ok(escapes instanceof AuthError);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(escapes.message, /[\u0000-\u001f\u007f-\u009f\u202e]/);
  assert.match(escapes.message, /\\u001b\[2J\\u009b31m\\u202eExpired run x \(access_denied\)/);

  const long = await loginError(() =>
    json({ error: "access_denied", error_description: "E".repeat(100_000) })
  );
  assert.ok(long.message.length < 1200, `a message of ${long.message.length} characters`);
  assert.match(long.message, /more characters/);
});

Deno.test("SSO errors: a password the SSO repeats is hidden, percent-encoded too", async () => {
  const error = await loginError(() =>
    json({
      error: `bad ${PASSWORD}`,
      error_description: `user with password ${PASSWORD} (${encodeURIComponent(PASSWORD)})`,
    })
  );
  assert.ok(error instanceof AuthError);
  assert.ok(!error.message.includes(PASSWORD), error.message);
  assert.match(error.message, /user with password \*\*\* \(\*\*\*\) \(bad \*\*\*\)/);
});

Deno.test("SSO errors: cut after 1,000 characters, as other server text", async () => {
  const error = await loginError(() =>
    json({ error: "access_denied", error_description: "D".repeat(1500) })
  );
  assert.match(error.message, /failed: D{1000}… \(500 more characters\) \(access_denied\)$/);
});

Deno.test("SSO errors: members of other types than text are an AuthError", async () => {
  for (const code of [{ toString: 1 }, ["a"], null]) {
    const error = await loginError(() => json({ error: code, error_description: "refused" }));
    assert.ok(error instanceof AuthError, String(error));
    assert.match(error.message, /refused \(error\)/);
  }
});

Deno.test("SSO tokens that cannot go in a header are refused, and never shown", async () => {
  const secret = "TOKEN-SECRET-123";
  for (const token of [`${secret}\r\nX-Injected: yes`, `${secret}\u0000`, `${secret} x`, "t€"]) {
    let apiCalls = 0;
    await using engine = await startFakeEngine({
      sso: () => json({ access_token: token, token_type: "bearer" }, 200),
      api: () => {
        apiCalls++;
        return xml("<vms/>");
      },
    });
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
    });
    await assert.rejects(connection.systemService().vmsService().list(), (error: Error) => {
      assert.ok(error instanceof AuthError, String(error));
      assert.ok(!error.message.includes(secret), error.message);
      return true;
    });
    assert.equal(apiCalls, 0);
  }
});

Deno.test("the token option must be a token that can go in a header", () => {
  for (const token of ["abc\ndef", "a\u0000b", "abc def", "t€", ""]) {
    assert.throws(
      () => new Connection({ url: "https://engine.example.com/ovirt-engine/api", token }),
      (error: Error) =>
        error instanceof OvirtError && /token option/.test(error.message) &&
        (token === "" || !error.message.includes(token)),
    );
  }
});

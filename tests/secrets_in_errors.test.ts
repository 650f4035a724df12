/**
 * Secrets in URLs (a query parameter named like one, a user and password in `ssoUrl`) stay
 * out of every error the SDK gives: its message, its causes, and what `Deno.inspect` prints.
 */

import assert from "node:assert/strict";
import { AuthError, Connection, ConnectionError } from "../mod.ts";
import { startFakeEngine, USERNAME } from "./http_fake_engine.ts";

/** A local port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return listener.addr.port;
}

/** Everything a user may see of `error`. */
function shown(error: unknown): string {
  return [String(error), (error as Error).stack, Deno.inspect(error, { depth: 10 })].join("\n");
}

Deno.test("a refused connection's error and its causes hide a secret query parameter", async () => {
  await using connection = new Connection({
    url: `http://127.0.0.1:${closedPort()}/ovirt-engine/api`,
    token: "T",
    query: { api_key: "QUERY-SECRET" },
    retry: false,
  });
  const error = await connection.systemService().vmsService().list().catch((e) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.ok(!shown(error).includes("QUERY-SECRET"), shown(error));
  assert.match(shown(error), /api_key=\*\*\*/, "the place of the secret is still told");
  assert.ok(error.cause instanceof Error && /refused/i.test(shown(error)), "the causes stay");
  assert.equal(error.maybeApplied, false, "still known as never sent");
});

Deno.test("a user and password in ssoUrl stay out of the login's errors", async () => {
  await using engine = await startFakeEngine({
    sso: () => Response.json({ error: "access_denied", error_description: "no" }, { status: 400 }),
  });
  const sso = new URL(engine.url);
  sso.username = "proxy";
  sso.password = "SSO-URL-SECRET";
  sso.pathname = "/ovirt-engine/sso/oauth/token";
  const refused = new Connection({
    url: engine.url,
    username: USERNAME,
    password: "p",
    ssoUrl: sso.href,
    retry: false,
  });
  const error = await refused.authenticate().catch((e) => e);
  assert.ok(error instanceof AuthError, String(error));
  assert.ok(!shown(error).includes("SSO-URL-SECRET"), shown(error));
  assert.match(error.message, /SSO login at http:\/\/\*\*\*@127\.0\.0\.1:/);
  await refused.close(false);

  sso.port = String(closedPort());
  await using unreachable = new Connection({
    url: engine.url,
    username: USERNAME,
    password: "p",
    ssoUrl: sso.href,
    retry: false,
  });
  const lost = await unreachable.authenticate().catch((e) => e);
  assert.ok(lost instanceof ConnectionError, String(lost));
  assert.ok(!shown(lost).includes("SSO-URL-SECRET"), shown(lost));
});

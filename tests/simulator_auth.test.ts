/**
 * The simulator's SSO and TLS through the SDK: bad credentials, both SSO error shapes,
 * expired and revoked tokens (transparent re-login), a bad bearer token, HTTPS with the
 * simulator's CA.
 */

import assert from "node:assert/strict";
import { AuthError, Connection, ConnectionError } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: a bad password is an AuthError, in both SSO error shapes", async () => {
  for (const ssoErrorShape of ["description", "code"] as const) {
    await using sim = await startSimulator({ ssoErrorShape, empty: true });
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: "wrong",
    });
    await assert.rejects(connection.systemService().vmsService().list(), (error: Error) => {
      assert.ok(error instanceof AuthError, String(error));
      assert.match(error.message, /username or password is incorrect/);
      return true;
    });
    assert.equal(await connection.test(), false);
    assert.equal(sim.loginCount, 0);
  }
});

Deno.test("simulator: an expired token is replaced by a new login, transparently", async () => {
  await using session = await simulatorSession({ tokenLifetime: 150, empty: true });
  const { sim, connection } = session;
  const tags = connection.systemService().tagsService();
  assert.equal((await tags.list()).length, 1);
  assert.equal(sim.loginCount, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await tags.list()).length, 1);
  assert.equal(sim.loginCount, 2);
});

Deno.test("simulator: revoked tokens force a new login; a foreign bad token is refused", async () => {
  await using session = await simulatorSession({ empty: true });
  const { sim, connection } = session;
  const clusters = connection.systemService().clustersService();
  await clusters.list();
  sim.revokeTokens();
  assert.equal((await clusters.list())[0].name, "Default");
  assert.equal(sim.loginCount, 2);

  await using stranger = new Connection({ url: sim.url, token: "not-a-token" });
  await assert.rejects(stranger.systemService().clustersService().list(), AuthError);
});

Deno.test("simulator: HTTPS with the simulator's CA", async () => {
  await using sim = await startSimulator({ tls: true, empty: true });
  assert.ok(sim.url.startsWith("https://127.0.0.1:"));
  assert.match(sim.caCert!, /^-----BEGIN CERTIFICATE-----\n/);
  await using trusting = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    caCerts: [sim.caCert!],
  });
  assert.equal(await trusting.test(true), true);
  const [blank] = await trusting.systemService().templatesService().list({ search: "name=Blank" });
  assert.equal(blank.id, "00000000-0000-0000-0000-000000000000");

  await using localhost = new Connection({
    url: sim.url.replace("127.0.0.1", "localhost"),
    username: sim.username,
    password: sim.password,
    caCerts: [sim.caCert!],
  });
  assert.equal(await localhost.test(), true);

  await using untrusting = new Connection({
    url: sim.url,
    username: sim.username,
    password: sim.password,
  });
  await assert.rejects(untrusting.systemService().vmsService().list(), ConnectionError);
});

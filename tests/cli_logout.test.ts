/**
 * `ovirt logout` when the token cannot be revoked (the engine unreachable): the cached
 * session is kept and the error says so, so that logout can be tried again and revoke it.
 */

import assert from "node:assert/strict";
import { startSimulator } from "../testing/mod.ts";
import { cliHome, cliProcess, oneErrorLine, simulatorEnv } from "./cli_harness.ts";
import { PASSWORD, startFakeEngine, USERNAME } from "./http_fake_engine.ts";

async function sessionFiles(home: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${home}/cache/ovirt/sessions`)) names.push(entry.name);
  return names;
}

Deno.test("logout against an unreachable engine keeps the session; once it answers, logout ends it", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using home = await cliHome();
  const password = "logout-pass";
  let sim = await startSimulator({ delay: 0, password });
  const port = Number(new URL(sim.url).port);
  const env = { ...home.env, ...simulatorEnv(sim) };
  try {
    const login = await cli.run(["login"], env);
    assert.equal(login.code, 0, login.stderr);
    const [file] = await sessionFiles(home.path);

    await sim.close();
    const failed = await cli.run(["logout"], env);
    assert.equal(failed.code, 5, failed.stderr);
    assert.match(oneErrorLine(failed), /not revoked: the session is kept in .*ovirt logout/);
    assert.deepEqual(await sessionFiles(home.path), [file], "the session file is kept");

    // The engine is back (a new simulator: the SSO no longer knows the token, and says so).
    sim = await startSimulator({ delay: 0, password, port });
    const again = await cli.run(["logout"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await sessionFiles(home.path), []);
  } finally {
    await sim.close();
  }
});

Deno.test("logout answered with a page that is not the SSO's keeps the session and says so", async () => {
  await using cli = cliProcess(); // its commands without input run one after the other in it
  await using home = await cliHome();
  // A proxy's page in the SSO's place: the token is not revoked, so the session must stay.
  await using engine = await startFakeEngine({
    logout: () =>
      new Response("<html><body>Sign in</body></html>", {
        headers: { "Content-Type": "text/html" },
      }),
  });
  const env = {
    ...home.env,
    OVIRT_URL: engine.url,
    OVIRT_USERNAME: USERNAME,
    OVIRT_PASSWORD: PASSWORD,
  };
  const login = await cli.run(["login"], env);
  assert.equal(login.code, 0, login.stderr);
  const [file] = await sessionFiles(home.path);
  const logout = await cli.run(["logout"], env);
  assert.equal(logout.code, 4, logout.stderr);
  assert.match(
    oneErrorLine(logout),
    /not revoked: the session is kept in .*; `ovirt logout --forget` removes it without revoking/,
  );
  assert.deepEqual(await sessionFiles(home.path), [file], "the session file is kept");
  assert.equal(engine.logouts.length, 1);
  assert.ok(engine.validTokens.size > 0, "the token is still valid");

  // The way out: forget the session without asking the SSO.
  const forget = await cli.run(["logout", "--forget"], env);
  assert.equal(forget.code, 0, forget.stderr);
  assert.match(forget.stderr, /forgotten; its token was not revoked and stays valid/);
  assert.deepEqual(await sessionFiles(home.path), []);
  assert.equal(engine.logouts.length, 1, "the SSO was not asked again");
});

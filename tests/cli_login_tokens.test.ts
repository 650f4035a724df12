/**
 * `ovirt login` leaves no live SSO token behind: a login that fails after the SSO gave a
 * token revokes it, and a login that replaces a cached session revokes the old session's
 * token (a failure to do so is one line on stderr, and the login still works). Checked with
 * the simulator, which refuses a revoked token, behind a small front server of the test's
 * that sees the tokens the SSO gives and can answer the API or the SSO logout with an error.
 */

import assert from "node:assert/strict";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { cliHome, oneErrorLine, ovirt, startFront } from "./cli_harness.ts";

/** The HTTP status of the API root asked for with `token` alone: 200 valid, 401 revoked. */
async function statusWith(sim: Simulator, token: string): Promise<number> {
  const answer = await fetch(sim.url, {
    headers: { Authorization: `Bearer ${token}`, Version: "4", Accept: "application/xml" },
  });
  await answer.body?.cancel();
  return answer.status;
}

async function cachedToken(home: string): Promise<string> {
  const dir = `${home}/cache/ovirt/sessions`;
  const files = [];
  for await (const entry of Deno.readDir(dir)) files.push(`${dir}/${entry.name}`);
  assert.equal(files.length, 1);
  return JSON.parse(await Deno.readTextFile(files[0])).token;
}

Deno.test("ovirt login revokes the tokens it does not keep", async (t) => {
  await using sim = await startSimulator({ delay: 0 });
  await using front = startFront(sim);
  const login = async (url: string) => {
    await using home = await cliHome();
    const env = {
      ...home.env,
      OVIRT_URL: url,
      OVIRT_USERNAME: sim.username,
      OVIRT_PASSWORD: sim.password,
    };
    const run = await ovirt(["login"], env);
    await assert.rejects(Deno.stat(`${home.path}/cache/ovirt/sessions`), Deno.errors.NotFound);
    return run;
  };

  await t.step("a login whose API root answers 503 revokes the token it got", async () => {
    front.apiStatus = 503;
    const run = await login(front.url);
    front.apiStatus = undefined;
    assert.notEqual(run.code, 0);
    assert.match(oneErrorLine(run), /503/);
    assert.equal(front.tokens.length, 1);
    assert.equal(await statusWith(sim, front.tokens[0]), 401, "the token was revoked");
  });

  await t.step("a login at a URL that is not the API root revokes the token it got", async () => {
    const run = await login(`${front.url}/vms`);
    assert.notEqual(run.code, 0);
    assert.match(oneErrorLine(run), /not the API root/);
    assert.equal(front.tokens.length, 2);
    assert.equal(await statusWith(sim, front.tokens[1]), 401, "the token was revoked");
  });
});

Deno.test("a second ovirt login revokes the session it replaces", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using home = await cliHome();
  const env = {
    ...home.env,
    OVIRT_URL: sim.url,
    OVIRT_USERNAME: sim.username,
    OVIRT_PASSWORD: sim.password,
  };
  const first = await ovirt(["login"], env);
  assert.equal(first.code, 0, first.stderr);
  const old = await cachedToken(home.path);
  const second = await ovirt(["login"], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /^Logged in to [^\n]+\n$/);
  const kept = await cachedToken(home.path);
  assert.notEqual(kept, old);
  assert.equal(await statusWith(sim, old), 401, "the replaced token was revoked");
  assert.equal(await statusWith(sim, kept), 200, "the new one works");
});

Deno.test("a replaced session that cannot be revoked is one line on stderr; the login works", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using front = startFront(sim);
  await using home = await cliHome();
  const env = {
    ...home.env,
    OVIRT_URL: front.url,
    OVIRT_USERNAME: sim.username,
    OVIRT_PASSWORD: sim.password,
  };
  const first = await ovirt(["login"], env);
  assert.equal(first.code, 0, first.stderr);
  const old = await cachedToken(home.path);
  front.logoutStatus = 500;
  const second = await ovirt(["login"], env);
  assert.equal(second.code, 0, second.stderr);
  const lines = second.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, second.stderr);
  assert.match(lines[0], /^Logged in to /);
  assert.match(
    lines[1],
    /^ovirt: the replaced session's token \(of admin@internal\) was not revoked: .*500/,
  );
  assert.ok(!second.stderr.includes(old), "the token is never shown");
  const kept = await cachedToken(home.path);
  assert.notEqual(kept, old);
  assert.equal(await statusWith(sim, kept), 200);
});

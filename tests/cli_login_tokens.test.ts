/**
 * `ovirt login` leaves no live SSO token behind: a login that fails after the SSO gave a
 * token revokes it; a login that replaces a cached session leaves the old one to the commands
 * still using it, and their end does not remove the newer session. Checked with
 * the simulator, which refuses a revoked token, behind a small front server of the test's
 * that sees the tokens the SSO gives and can answer the API or the SSO logout with an error.
 */

import assert from "node:assert/strict";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { Connection } from "../mod.ts";
import { cliHome, oneErrorLine, ovirt, spawnOvirt, startFront } from "./cli_harness.ts";

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

Deno.test("a second login leaves the replaced session to the commands still using it", async () => {
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
  // A command of another terminal, on the first session (without a password, which it
  // would log in with once the session ends).
  const follow = spawnOvirt(["events", "follow", "--from", "0", "--interval", "1s"], {
    ...env,
    OVIRT_PASSWORD: "",
  });
  const printed = follow.stdout.getReader();
  await printed.read(); // the first events: it runs, on the first session
  const drained = (async () => {
    while (!(await printed.read()).done) { /* the events it prints */ }
  })();
  const second = await ovirt(["login"], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /^Logged in to [^\n]+\n$/);
  const kept = await cachedToken(home.path);
  assert.notEqual(kept, old);
  assert.equal(await statusWith(sim, old), 200, "the replaced token still works for the follow");
  assert.equal(await statusWith(sim, kept), 200, "the new one works");
  // The old session ends (it expired, or was revoked): the follow stops, and the new
  // session, which a login made since, stays.
  await using revoker = new Connection({ url: sim.url, token: old });
  await revoker.revokeToken();
  const [{ code }, stderr] = await Promise.all([follow.status, new Response(follow.stderr).text()]);
  await drained;
  assert.equal(code, 4, stderr);
  assert.match(stderr, /has expired or was revoked/);
  assert.equal(await cachedToken(home.path), kept, "the newer session is not removed");
  assert.equal((await ovirt(["vms", "list", "-o", "ids"], { ...env, OVIRT_PASSWORD: "" })).code, 0);
});

Deno.test("a failed login whose token cannot be revoked says the token stays valid", async () => {
  await using sim = await startSimulator({ delay: 0 });
  await using front = startFront(sim);
  await using home = await cliHome();
  front.apiStatus = 503;
  front.logoutStatus = 500;
  const run = await ovirt(["login"], {
    ...home.env,
    OVIRT_URL: front.url,
    OVIRT_USERNAME: sim.username,
    OVIRT_PASSWORD: sim.password,
  });
  assert.notEqual(run.code, 0);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 2, run.stderr);
  assert.match(
    lines[0],
    /^ovirt: warning: the SSO token this login got could not be revoked \(.*500/,
  );
  assert.match(lines[0], /it stays valid until it expires$/);
  assert.match(lines[1], /^ovirt: .*503/);
  assert.equal(front.tokens.length, 1);
  assert.equal(await statusWith(sim, front.tokens[0]), 200, "the token is indeed still valid");
  assert.ok(!run.stderr.includes(front.tokens[0]) && !run.stderr.includes(sim.password));
});

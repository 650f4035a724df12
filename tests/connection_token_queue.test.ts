import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { type FakeEngine, PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

const CALLS = 40;

/** A connection to `engine` as its user that sends two requests at a time. */
function twoAtATime(engine: FakeEngine): Connection {
  return new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 2,
  });
}

/**
 * Sends {@link CALLS} `get()`s two at a time to an engine that forgets every token (a restart,
 * a revocation) at its fifth answer, logged in before them or not; the logins made and how
 * many calls were sent again.
 */
async function forgottenWhileQueued(loggedInFirst: boolean) {
  let served = 0;
  const tokens: { valid?: Set<string> } = {};
  await using engine = await startFakeEngine({
    async api() {
      if (++served === 5) tokens.valid!.clear();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return xml("<vm id='1'><name>a</name></vm>");
    },
  });
  tokens.valid = engine.validTokens;
  await using connection = twoAtATime(engine);
  const vm = connection.systemService().vmsService().vmService("1");
  if (loggedInFirst) await connection.authenticate();
  const vms = await Promise.all(Array.from({ length: CALLS }, () => vm.get()));
  assert.equal(vms.length, CALLS);
  return { logins: engine.logins.length, sentTwice: engine.requests.length - CALLS };
}

for (const loggedInFirst of [true, false]) {
  const when = loggedInFirst ? "after a login" : "that waited for the first login";
  Deno.test(`connections cap: calls ${when} do not take a token forgotten while they queue`, async () => {
    const { logins, sentTwice } = await forgottenWhileQueued(loggedInFirst);
    assert.equal(logins, 2, "one login, and one after the tokens were forgotten");
    // Sent again: the calls in flight when the token was forgotten, and those that took a
    // connection freed before the first refusal came back (not one per waiting call).
    assert.ok(sentTwice <= 4, `${sentTwice} calls were sent again with a new token`);
  });
}

Deno.test("connections cap: a token that expires while calls queue is not sent after its expiry", async () => {
  const LIFETIME = 150;
  const expiries = new Map<string, number>();
  const arrivals: [token: string, at: number][] = [];
  let issued = 0;
  const tokens: { valid?: Set<string> } = {};
  await using engine = await startFakeEngine({
    sso() {
      const token = `short-lived-token-${++issued}`;
      const exp = Date.now() + LIFETIME;
      expiries.set(token, exp);
      tokens.valid!.add(token);
      return Response.json({ access_token: token, exp: String(exp), token_type: "bearer" });
    },
    async api(request) {
      const token = request.headers.get("authorization")!.slice("Bearer ".length);
      arrivals.push([token, Date.now()]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return xml("<vm id='1'><name>a</name></vm>");
    },
  });
  tokens.valid = engine.validTokens;
  await using connection = twoAtATime(engine);
  const vm = connection.systemService().vmsService().vmService("1");
  // 60 calls of 10 ms, two at a time: 300 ms, two lifetimes of the token at least.
  await Promise.all(Array.from({ length: 60 }, () => vm.get()));
  assert.ok(engine.logins.length >= 2, "the token was renewed");
  const late = arrivals.filter(([token, at]) => at > expiries.get(token)! + 50);
  assert.deepEqual(
    late.length,
    0,
    `${late.length} of ${arrivals.length} calls sent an expired token`,
  );
});

Deno.test("connections cap: calls that find no token give their connection to the login", async () => {
  await using engine = await startFakeEngine({
    api: () => xml("<vm id='1'><name>a</name></vm>"),
  });
  for (const debug of [false, true]) {
    await using connection = new Connection({
      url: engine.url,
      username: USERNAME,
      password: PASSWORD,
      connections: 1,
      debug,
      log: () => {},
    });
    const vm = connection.systemService().vmsService().vmService("1");
    const vms = await Promise.all(Array.from({ length: 5 }, () => vm.get()));
    assert.equal(vms.length, 5);
  }
  assert.equal(engine.logins.length, 2, "one login for each connection");
  assert.equal(engine.requests.length, 10);
});

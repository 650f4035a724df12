import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

const CALLS = 40;

Deno.test("connections cap: calls waiting for a free connection go out with the renewed token", async () => {
  let served = 0;
  const tokens: { valid?: Set<string> } = {};
  await using engine = await startFakeEngine({
    async api() {
      // The engine forgets every token while the calls wait their turn (a restart, a revocation).
      if (++served === 5) tokens.valid!.clear();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return xml("<vm id='1'><name>a</name></vm>");
    },
  });
  tokens.valid = engine.validTokens;
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 2,
  });
  const vm = connection.systemService().vmsService().vmService("1");
  await connection.authenticate();
  const vms = await Promise.all(Array.from({ length: CALLS }, () => vm.get()));
  assert.equal(vms.length, CALLS);
  assert.equal(engine.logins.length, 2, "one login, and one after the tokens were forgotten");
  // Sent twice: the calls in flight when the token was forgotten (one per connection), and
  // those whose turn came as their 401 answers were let go, before the new login began.
  const sentTwice = engine.requests.length - CALLS;
  assert.ok(sentTwice <= 6, `${sentTwice} calls were sent again with a new token`);
});

Deno.test("connections cap: calls that waited for the first login do not take a token forgotten while they queue", async () => {
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
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 2,
  });
  const vm = connection.systemService().vmsService().vmService("1");
  // No login before: every call waits for the first one, then for a connection.
  const vms = await Promise.all(Array.from({ length: CALLS }, () => vm.get()));
  assert.equal(vms.length, CALLS);
  assert.equal(engine.logins.length, 2, "one login, and one after the tokens were forgotten");
  // Only the calls in flight when the token was forgotten (one per connection) are sent again.
  const sentTwice = engine.requests.length - CALLS;
  assert.ok(sentTwice <= 2, `${sentTwice} calls were sent again with a new token`);
});

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
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
    connections: 2,
  });
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

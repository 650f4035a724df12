/**
 * Integer parameters of the generated methods take `number | bigint`, as integer members are
 * read: an event's `index` passes back as `from` as it is, in a query, in an `<action>` body
 * and to `followEvents`, and a fractional or out-of-range value is refused as before.
 */

import assert from "node:assert/strict";
import { Connection, followEvents, OvirtError, type types } from "../mod.ts";
import { type FakeEngine, PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

const ACTION = "<action><status>complete</status></action>";

/** A connection to `engine` as its user. */
function connectionTo(engine: FakeEngine): Connection {
  return new Connection({ url: engine.url, username: USERNAME, password: PASSWORD });
}

Deno.test("an event's index, read as number | bigint, is list's from as it is", async () => {
  const engine = await startFakeEngine({
    api: () =>
      xml(
        "<events><event id='a'><index>2147483647</index></event>" +
          "<event id='b'><index>41</index></event></events>",
      ),
  });
  await using _engine = engine;
  await using connection = connectionTo(engine);
  const events = connection.systemService().eventsService();
  const [big, small] = await events.list();
  assert.equal(big.index, 2147483647); // the engine's indexes are ints (EventMapper)
  assert.equal(small.index, 41);
  // Either value read fits the parameter's type: no conversion, no cast.
  await events.list({ from: big.index });
  assert.equal(new URL(engine.requests.at(-1)!.url).searchParams.get("from"), "2147483647");
  await events.list({ from: small.index });
  assert.equal(new URL(engine.requests.at(-1)!.url).searchParams.get("from"), "41");
});

Deno.test("a bigint integer parameter goes out as its digits, in the query and the body", async () => {
  const engine = await startFakeEngine({
    api: (_request, context) => xml(context.path === "events" ? "<events/>" : ACTION),
  });
  await using _engine = engine;
  await using connection = connectionTo(engine);
  const system = connection.systemService();
  await system.eventsService().list({ from: 2147483647n, max: 2n });
  const query = new URL(engine.requests.at(-1)!.url).searchParams;
  assert.equal(query.get("from"), "2147483647");
  assert.equal(query.get("max"), "2");
  await system.hostsService().hostService("h1").upgrade({ timeout: 600n });
  assert.match(engine.bodies.at(-1)!, /<timeout>600<\/timeout>/);
  await system.clustersService().clusterService("c1").upgrade({ upgradePercentComplete: 50n });
  assert.match(engine.bodies.at(-1)!, /<upgrade_percent_complete>50<\/upgrade_percent_complete>/);
});

Deno.test("a fractional or out-of-range integer parameter is still refused", async () => {
  const engine = await startFakeEngine({ api: () => xml(ACTION) });
  await using _engine = engine;
  await using connection = connectionTo(engine);
  const system = connection.systemService();
  const sent = engine.requests.length;
  await assert.rejects(
    system.eventsService().list({ max: 1.5 }),
    (error) =>
      error instanceof OvirtError && /"max" needs an integer, got 1\.5/.test(error.message),
  );
  // The engine ignores a query integer past its int (Integer.parseInt): max would list all.
  for (const max of [2 ** 31, 2n ** 60n, -(2n ** 31n) - 1n]) {
    await assert.rejects(
      system.eventsService().list({ max }),
      (error) =>
        error instanceof OvirtError &&
        /"max" needs an integer from -2147483648 to 2147483647 \(the engine's integer\)/.test(
          error.message,
        ),
    );
  }
  await assert.rejects(
    system.hostsService().hostService("h1").upgrade({ timeout: 2n ** 40n }),
    (error) => error instanceof OvirtError && /timeout.*needs an integer from/.test(error.message),
  );
  assert.equal(engine.requests.length, sent, "nothing sent");
});

Deno.test("followEvents resumes from an event's index given as read, number or bigint", async () => {
  const listed: (string | null)[] = [];
  const source = {
    list(options?: { from?: number | bigint }): Promise<types.Event[]> {
      listed.push(options?.from === undefined ? null : String(options.from));
      return Promise.resolve([{ id: "8", index: 8 }, { id: "7", index: 7 }]);
    },
  };
  const from: types.Event["index"] = 7n;
  const controller = new AbortController();
  const seen: string[] = [];
  for await (const event of followEvents(source, { from, signal: controller.signal })) {
    seen.push(event.id!);
    controller.abort();
  }
  assert.deepEqual(seen, ["8"], "only the event after the one resumed from");
  assert.equal(listed[0], "7");
  await assert.rejects(
    async () => {
      for await (const _ of followEvents(source, { from: 2n ** 60n })) break;
    },
    (error) =>
      error instanceof OvirtError &&
      error.message === 'followEvents: from must be an integer or "latest", not ' +
          "1152921504606846976 (a bigint)",
  );
});

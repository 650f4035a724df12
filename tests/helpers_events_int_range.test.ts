/**
 * `followEvents` on an engine whose event ids have passed 2^31-1: the engine reads `from` and
 * `max` as 32-bit integers (ignoring one past that), so the follower never asks past them,
 * and goes on following.
 */

import assert from "node:assert/strict";
import { Connection, followEvents } from "../mod.ts";
import { PASSWORD, startFakeEngine, USERNAME, xml } from "./http_fake_engine.ts";

const MAX_INT = 2 ** 31 - 1;

Deno.test("followEvents past the engine's 32-bit ids asks without from, and max within them", async () => {
  let newest = MAX_INT + 1000;
  const event = (id: number) =>
    `<event href="/ovirt-engine/api/events/${id}" id="${id}"><code>1</code>` +
    `<severity>normal</severity><description>e${id}</description></event>`;
  await using engine = await startFakeEngine({
    api: () => {
      newest += 1;
      return xml(`<events>${[newest, newest - 1, newest - 2].map(event).join("")}</events>`);
    },
  });
  await using connection = new Connection({
    url: engine.url,
    username: USERNAME,
    password: PASSWORD,
  });
  const controller = new AbortController();
  const seen: string[] = [];
  for await (
    const followed of followEvents(connection.systemService().eventsService(), {
      max: MAX_INT,
      interval: 10,
      signal: controller.signal,
    })
  ) {
    seen.push(followed.id!);
    if (seen.length === 5) controller.abort();
  }
  assert.equal(seen.length, 5);
  assert.ok(engine.requests.length >= 2, "it polled again");
  for (const request of engine.requests) {
    const query = new URL(request.url).searchParams;
    const from = query.get("from"), max = query.get("max");
    assert.ok(from === null || Number(from) <= MAX_INT, `from=${from}`);
    assert.ok(max === null || Number(max) <= MAX_INT, `max=${max}`);
  }
});

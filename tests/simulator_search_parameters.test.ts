/**
 * List parameters read as the engine reads them: `case_sensitive` is true for `true`,
 * `t`, `yes`, `y`, `1` (any case) and for an empty value, false otherwise; a parameter
 * may also come as a matrix parameter of the last path segment (`/events;from=3`,
 * `/vms;max=2`), the query's own value winning.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: case_sensitive and matrix parameters as the engine reads them", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const token = await session.connection.authenticate();
  const get = async (path: string) => {
    const answer = await fetch(`${session.sim.url}/${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(answer.status, 200, path);
    return [...(await answer.text()).matchAll(/<(vm|event) href="[^"]*" id="([^"]+)"/g)]
      .map((match) => match[2]);
  };
  const search = `search=${encodeURIComponent("name=VM001")}`;
  for (const value of ["true", "TRUE", "t", "yes", "Y", "1", ""]) {
    assert.deepEqual(await get(`vms?${search}&case_sensitive=${value}`), [], value);
  }
  assert.deepEqual((await get(`vms?${search}&case_sensitive`)).length, 0, "bare");
  for (const value of ["false", "no", "0", "bogus"]) {
    assert.equal((await get(`vms?${search}&case_sensitive=${value}`)).length, 1, value);
  }
  assert.equal((await get("vms;max=2")).length, 2);
  assert.equal((await get("vms;max=2?max=3")).length, 3);
  assert.equal((await get(`vms;${search}`)).length, 1);
  const eventsService = session.connection.systemService().eventsService();
  for (const customId of [1, 2, 3]) {
    await eventsService.add({ description: "qa", severity: "normal", origin: "qa", customId });
  }
  const events = await get("events");
  assert.ok(events.length > 3);
  const from = events.map(Number).sort((a, b) => a - b).at(-3)!;
  assert.deepEqual((await get(`events;from=${from}`)).map(Number).sort(), [from + 1, from + 2]);
});

/**
 * Free text looks in every text field the engine searches for the collection (a VM's
 * cluster, data center, host, description, name...), and a query has at most one
 * free-text word: a second one is a syntax error, and the search finds nothing.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: free text spans the collection's text fields, once per query", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const ids = (items: { id?: string }[]) => items.map((item) => item.id).sort();
  assert.deepEqual(
    ids(await vms.list({ search: "Production" })),
    ids(await vms.list({ search: "cluster=Production" })),
  );
  assert.ok((await vms.list({ search: "cluster=Production" })).length > 0);
  assert.deepEqual(
    ids(await vms.list({ search: "host1" })),
    ids(await vms.list({ search: "on_host=host1" })),
  );
  assert.ok((await vms.list({ search: "host1" })).length > 0);
  assert.deepEqual(ids(await vms.list({ search: "vm001" })).length, 1);
  assert.deepEqual(await vms.list({ search: "vm001 seeded" }), []);
  assert.deepEqual(await vms.list({ search: "status=up vm001 vm002" }), []);
  const events = system.eventsService();
  await events.add({
    description: "qa",
    severity: "normal",
    origin: "free-text-origin",
    customId: 7,
  });
  assert.equal((await events.list({ search: "free-text-orig" })).length, 1);
});

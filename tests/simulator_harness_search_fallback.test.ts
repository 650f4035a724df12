/**
 * A searchable collection the simulator has no search field table for (one a regenerated,
 * newer model adds) is searched by `name`, as every engine search object of named objects is,
 * so that a by-name lookup (`name="x"`, the CLI's and `findByName`'s) finds the object instead
 * of failing with "no text field for the free text". Shown with the clusters' table taken away
 * for the test, which makes them such a collection.
 */

import assert from "node:assert/strict";
import { Connection } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { SEARCH_FIELDS } from "../testing/search_fields.ts";

Deno.test("simulator harness search fallback: a collection without a field table is searched by name", async () => {
  const tables = SEARCH_FIELDS as Record<string, unknown>;
  const clusterTable = tables.Cluster;
  delete tables.Cluster;
  try {
    await using sim = await startSimulator({ delay: 0 });
    await using connection = new Connection({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      retry: false,
    });
    const clusters = connection.systemService().clustersService();
    const all = await clusters.list();
    assert.ok(all.length > 0);
    const names = (search: string) =>
      clusters.list({ search }).then((found) => found.map((cluster) => cluster.name));
    assert.deepEqual(await names('name="Default"'), ["Default"]);
    assert.deepEqual(await names("name=Def*"), ["Default"]);
    assert.deepEqual(await names("Default"), ["Default"], "free text looks in the name");
    assert.deepEqual(
      await names("name!=Default"),
      all.map((cluster) => cluster.name).filter((name) => name !== "Default").sort(),
    );
    assert.deepEqual(await names("name=nothing-like-it"), []);
  } finally {
    tables.Cluster = clusterTable;
  }
});

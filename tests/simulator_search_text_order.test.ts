/**
 * A search sorts text as text, also text made only of digits, as the engine's `ORDER BY`
 * over a text column does ("10" before "9"); only numeric fields sort by number.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;

Deno.test("simulator: names and descriptions made of digits sort as text, sizes as numbers", async () => {
  await using session = await simulatorSession({ delay: 0, empty: true });
  const instanceTypes = session.connection.systemService().instanceTypesService();
  // Only the instance types added here: the built-in ones (Tiny ... XLarge) are removed.
  for (const builtIn of await instanceTypes.list()) {
    await instanceTypes.instanceTypeService(builtIn.id!).remove();
  }
  const added = [
    { name: "9", description: "500", memory: 1024 * MIB },
    { name: "10", description: "9", memory: 512 * MIB },
    { name: "alpha", description: "50%", memory: 4096 * MIB },
    { name: "beta", description: "10", memory: 64 * MIB },
  ];
  for (const instanceType of added) await instanceTypes.add(instanceType);
  const names = async (search: string) =>
    (await instanceTypes.list({ search })).map((found) => found.name);
  assert.deepEqual(await names("name=*"), ["10", "9", "alpha", "beta"]);
  assert.deepEqual(await names("name=* sortby description"), ["beta", "alpha", "9", "10"]);
  assert.deepEqual(await names("name=* sortby mem"), ["beta", "10", "9", "alpha"]);
  assert.deepEqual(await names("mem>600"), ["9", "alpha"]);
});

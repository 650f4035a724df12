/**
 * A storage domain's `status` in searches is its status in its data center, as the
 * engine's search view has it (the API hides that status on `/storagedomains`), so the
 * search agrees with the summary's count of active domains.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

function names(items: { name?: string }[]): string[] {
  return items.map((item) => item.name!).sort();
}

Deno.test("simulator: storage domains are searched by their status in the data center", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const domains = system.storageDomainsService();
  const active = await domains.list({ search: "status=active" });
  assert.deepEqual(names(active), ["data", "iso"]);
  assert.deepEqual(names(await domains.list({ search: "status=Active" })), ["data", "iso"]);
  assert.deepEqual(names(await domains.list({ search: "status!=active" })), [
    "ovirt-image-repository",
  ]);
  assert.deepEqual(names(await domains.list({ search: "status=unattached" })), [
    "ovirt-image-repository",
  ]);
  const summary = (await system.get()).summary!;
  assert.equal(summary.storageDomains?.active, active.length);
});

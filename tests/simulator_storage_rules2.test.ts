/**
 * More of what the engine refuses about disks, storage domains and vNIC profiles, and the
 * simulator with it: a second boot disk on a VM, an IDE disk plugged into (or out of) a
 * running VM, a disk detached while it is part of a VM snapshot, a template's disk removed
 * without a storage domain, a disk made, moved or copied on a domain that is not an active
 * data domain, two vNIC profiles of one name on one network; a direct LUN disk has no
 * status; a fault without a detail has no `<detail>`.
 */

import assert from "node:assert/strict";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

Deno.test("simulator: a fault with a reason only has no detail", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const domains = session.connection.systemService().storageDomainsService();
  const [iso] = await domains.list({ search: "name=iso" });
  const response = await fetch(`${session.sim.url}/storagedomains/${iso.id}`, {
    method: "DELETE",
    headers: { Authorization: `Basic ${btoa(`${session.sim.username}:${session.sim.password}`)}` },
  });
  const body = await response.text();
  assert.equal(response.status, 400);
  assert.match(body, /<reason>host parameter is missing<\/reason>/);
  assert.doesNotMatch(body, /<detail/);
  const refused = await rejectsWith(domains.storageDomainService(iso.id!).remove(), 400);
  assert.equal(refused.fault?.detail, undefined);
});

/**
 * VMs' `has_illegal_images`: false for a VM whose disks are all legal (every VM of the
 * seed), as the engine's VM view computes it from the VM's images.
 */

import assert from "node:assert/strict";
import { simulatorSession } from "./sim_session.ts";

Deno.test("simulator: has_illegal_images=false finds the VMs whose disks are legal", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const all = (await vms.list()).map((vm) => vm.id).sort();
  assert.ok(all.length > 0);
  const ids = async (search: string) => (await vms.list({ search })).map((vm) => vm.id).sort();
  assert.deepEqual(await ids("has_illegal_images=false"), all);
  assert.deepEqual(await ids("has_illegal_images=true"), []);
  assert.deepEqual(await ids("has_illegal_images!=false"), []);
});

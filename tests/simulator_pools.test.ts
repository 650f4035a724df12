/**
 * VM pools: raising `size` adds VMs (lowering it is refused), `allocatevm` starts a free
 * VM of the pool for the user, removing the pool removes its VMs.
 */

import assert from "node:assert/strict";
import { waitFor } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: a VM pool grows, hands out VMs and goes with its VMs", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const vms = system.vmsService();
  const pools = system.vmPoolsService();
  const added = await pools.add({
    name: "pool1",
    cluster: { name: "Default" },
    template: { name: "centos9" },
    size: 2,
  });
  const service = pools.poolService(added.id!);
  const poolVms = () => vms.list({ search: "name=pool1-*" });
  await service.update({ size: 4 });
  assert.equal((await service.get()).size, 4);
  assert.deepEqual((await poolVms()).map((vm) => vm.name), [
    "pool1-1",
    "pool1-2",
    "pool1-3",
    "pool1-4",
  ]);
  await rejectsWith(service.update({ size: 3 }), 400, /^\[Cannot decrease VMs from VM-Pool\.\]$/);
  await waitFor(poolVms, (list) => list.every((vm) => vm.status === "down"), POLL);
  await service.allocateVm();
  const started = await waitFor(
    poolVms,
    (list) => list.some((vm) => vm.status === "up"),
    POLL,
  );
  const [up] = started.filter((vm) => vm.status !== "down");
  assert.equal(started.filter((vm) => vm.status !== "down").length, 1);
  const given = await vms.vmService(up.id!).permissionsService().list();
  assert.ok(given.some((permission) => permission.vm?.id === up.id));
  await service.remove();
  assert.deepEqual(await poolVms(), []);
});

Deno.test("simulator: allocatevm with no free VM in the pool is refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const system = session.connection.systemService();
  const pools = system.vmPoolsService();
  const added = await pools.add({
    name: "tiny",
    cluster: { name: "Default" },
    template: { name: "Blank" },
    size: 1,
  });
  const service = pools.poolService(added.id!);
  await service.allocateVm();
  await rejectsWith(service.allocateVm(), 409, /There are no available VMs in the VM-Pool\./);
});

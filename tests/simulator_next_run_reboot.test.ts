/**
 * A reboot of a VM with a next-run configuration pending is a cold one, as on the engine
 * (`RebootVmCommand.isColdReboot`): the VM comes back up running that configuration, the
 * flow automation uses to apply next-run changes (update with `next_run`, then reboot).
 */

import assert from "node:assert/strict";
import { types, waitFor } from "../mod.ts";
import { simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 3000 };

Deno.test("simulator: a reboot applies the VM's pending next-run configuration", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const vm = vms.vmService(running.id!);
  await vm.update({
    cpu: { topology: { sockets: 4 } },
    placementPolicy: { affinity: types.VmAffinity.PINNED },
  }, { nextRun: true });
  assert.equal((await vm.get()).nextRunConfigurationExists, true);
  await vm.reboot();
  const rebooted = await waitFor(
    () => vm.get(),
    // Up with the next-run configuration applied, and the guest agent reporting again.
    (seen) =>
      seen.status === types.VmStatus.UP && seen.nextRunConfigurationExists === false &&
      seen.guestOperatingSystem !== undefined,
    POLL,
  );
  assert.deepEqual(rebooted.cpu?.topology, { ...running.cpu?.topology, sockets: 4 });
  assert.equal(rebooted.placementPolicy?.affinity, types.VmAffinity.PINNED);
  assert.equal(rebooted.host?.id, running.host?.id);
  assert.deepEqual(await vm.get({ nextRun: true }), await vm.get(), "nothing left pending");
});

Deno.test("simulator: a reboot without a next-run configuration keeps the VM as it runs", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const vms = session.connection.systemService().vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const vm = vms.vmService(running.id!);
  await vm.reboot();
  const rebooted = await waitFor(() => vm.get(), (seen) => seen.status === types.VmStatus.UP, POLL);
  assert.deepEqual(rebooted.cpu, running.cpu);
  assert.ok(running.startTime);
  assert.equal(rebooted.startTime?.getTime(), running.startTime?.getTime(), "a warm reboot");
});

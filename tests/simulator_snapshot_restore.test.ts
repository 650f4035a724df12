/**
 * Restoring a snapshot: refused unless the VM is down; the VM's images are locked a step,
 * then it has the configuration it had when the snapshot was taken.
 */

import assert from "node:assert/strict";
import { types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const STEP = 250;
const POLL = { interval: 5, timeout: 5000 };

Deno.test("simulator: a snapshot restore needs the VM down and brings back its configuration", async () => {
  await using session = await simulatorSession({ delay: STEP });
  const vms = session.connection.systemService().vmsService();
  const [running] = await vms.list({ search: "status=up", max: 1 });
  const service = vms.vmService(running.id!);
  const snapshots = service.snapshotsService();
  const snapshot = await snapshots.add({ description: "before change" });
  // The VM stays up while the snapshot is taken: its end is the snapshot's status.
  assert.equal((await service.get()).status, types.VmStatus.UP);
  await waitFor(
    () => snapshots.snapshotService(snapshot.id!).get(),
    (s) => s.snapshotStatus === types.SnapshotStatus.OK,
    POLL,
  );
  const restore = snapshots.snapshotService(snapshot.id!);
  await rejectsWith(restore.restore(), 409, /At least one of the VMs is not down/);
  await service.stop();
  await service.update({ memory: 4 * 1024 ** 3, description: "changed after snapshot" });
  await restore.restore();
  assert.equal((await service.get()).status, types.VmStatus.IMAGE_LOCKED);
  const restored = await waitForStatus(service, "down", POLL);
  assert.equal(restored.memory, running.memory);
  assert.equal(restored.description, running.description);
});

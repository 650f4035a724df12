/**
 * While a backup of a VM has not ended, the simulator refuses (409, naming the backup) what
 * the engine refuses then, through the SDK over real HTTP: stopping, shutting down or
 * rebooting the VM unless forced (`StopVmCommandBase`, `RebootVmCommand`), running,
 * migrating or hibernating it, and previewing, committing, undoing, restoring or removing a
 * snapshot or removing a checkpoint (each takes a lock on the VM, which the backup holds).
 * Once the backup has ended, they work again.
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, waitFor } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const POLL = { interval: 5, timeout: 5000 };

/** The service of VM `name` and the id of its first disk. */
async function vmNamed(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  const service = vms.vmService(vm.id!);
  const [attachment] = await service.diskAttachmentsService().list();
  return { vm, service, diskId: attachment.id! };
}

/** A VM's service. */
type VmService = Awaited<ReturnType<typeof vmNamed>>["service"];

/** Starts a backup of disk `diskId` of `vm`, waits until it is ready; resolves to its service. */
async function readyBackup(vm: VmService, diskId: string) {
  const backups = vm.backupsService();
  const started = await backups.add({ disks: [{ id: diskId }] });
  const service = backups.backupService(started.id!);
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.READY, POLL);
  return { id: started.id!, service };
}

/** Finalizes the backup of `service` and waits until it has succeeded. */
async function endBackup(service: Awaited<ReturnType<typeof readyBackup>>["service"]) {
  await service.finalize();
  await waitFor(() => service.get(), (b) => b.phase === types.BackupPhase.SUCCEEDED, POLL);
}

/** The fault detail of a refusal of `what` on VM `vm` during backup `backup`. */
function duringBackup(what: string, vm: string, backup: string): RegExp {
  return new RegExp(
    `^\\[Cannot ${what}\\. VM ${vm} is being backed up \\(backup ${backup}\\): ` +
      "try again once that backup has ended\\.\\]$",
  );
}

/** Waits until VM `vm` has status `status`. */
async function vmStatus(vm: VmService, status: types.VmStatus) {
  await waitFor(() => vm.get(), (v) => v.status === status, POLL);
}

Deno.test("backup VM locks: a running VM during a backup is not stopped, rebooted, migrated or hibernated unless forced", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { service: vm, diskId } = await vmNamed(session.connection, "vm005");
  await vmStatus(vm, types.VmStatus.UP);
  const backup = await readyBackup(vm, diskId); // a live backup
  const refused: [string, () => Promise<unknown>][] = [
    ["stop VM", () => vm.stop()],
    ["shutdown VM", () => vm.shutdown()],
    ["restart VM", () => vm.reboot()],
    ["migrate VM", () => vm.migrate()],
    ["hibernate VM", () => vm.suspend()],
  ];
  for (const [what, run] of refused) {
    await rejectsWith(run(), 409, duringBackup(what, "vm005", backup.id));
    const now = await vm.get();
    assert.equal(now.status, types.VmStatus.UP, `still up after "${what}"`);
  }
  // `force` passes the backup: the engine stops or reboots a VM whatever its backup.
  await vm.reboot({ force: true });
  await vmStatus(vm, types.VmStatus.UP);
  await vm.stop({ force: true });
  await vmStatus(vm, types.VmStatus.DOWN);
  // ... to the checks that come after it.
  await rejectsWith(vm.shutdown({ force: true }), 409, /^\[Cannot shutdown VM\. VM is not running/);
  // The VM's lock refuses running it again, down as it is now.
  await rejectsWith(vm.start(), 409, duringBackup("run VM", "vm005", backup.id));
  assert.equal((await vm.get()).status, types.VmStatus.DOWN);

  await endBackup(backup.service);
  await vm.start();
  await vmStatus(vm, types.VmStatus.UP);
  await vm.suspend();
  await vmStatus(vm, types.VmStatus.SUSPENDED);
});

Deno.test("backup VM locks: a VM during a backup refuses running it and its snapshot and checkpoint steps", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { service: vm, diskId } = await vmNamed(session.connection, "vm006"); // down
  const snapshots = vm.snapshotsService();
  const taken = await snapshots.add({ description: "before the backup" });
  const snapshot = snapshots.snapshotService(taken.id!);
  await waitFor(() => snapshot.get(), (s) => s.snapshotStatus === "ok", POLL);
  await vmStatus(vm, types.VmStatus.DOWN);
  const disk = session.connection.systemService().disksService().diskService(diskId);
  await waitFor(() => disk.get(), (d) => d.status === types.DiskStatus.OK, POLL);
  await endBackup((await readyBackup(vm, diskId)).service); // leaves a checkpoint
  const checkpoints = vm.checkpointsService();
  const [root] = await checkpoints.list();
  assert.ok(root, "the first backup left a checkpoint");
  const backup = await readyBackup(vm, diskId); // a cold backup
  const refused: [string, () => Promise<unknown>][] = [
    ["run VM", () => vm.start()],
    ["preview Snapshot", () => vm.previewSnapshot({ snapshot: { id: taken.id } })],
    ["revert to Snapshot", () => vm.commitSnapshot()],
    ["revert to Snapshot", () => vm.undoSnapshot()],
    ["preview Snapshot", () => snapshot.restore()],
    ["remove Snapshot", () => snapshot.remove()],
    ["remove VM Checkpoint", () => checkpoints.checkpointService(root.id!).remove()],
  ];
  for (const [what, run] of refused) {
    await rejectsWith(run(), 409, duringBackup(what, "vm006", backup.id));
    assert.equal((await vm.get()).status, types.VmStatus.DOWN, `still down after "${what}"`);
    assert.equal((await snapshot.get()).snapshotStatus, "ok", `snapshot kept after "${what}"`);
    assert.equal((await checkpoints.list()).length, 1, `checkpoint kept after "${what}"`);
  }

  await endBackup(backup.service);
  await waitFor(() => disk.get(), (d) => d.status === types.DiskStatus.OK, POLL);
  await checkpoints.checkpointService(root.id!).remove();
  await snapshot.remove();
  await waitFor(() => snapshots.list(), (all) => all.every((s) => s.id !== taken.id), POLL);
  await vm.start();
  await vmStatus(vm, types.VmStatus.UP);
});

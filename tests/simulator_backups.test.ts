/**
 * VM backups and checkpoints in the simulator as the engine makes them, through the SDK over
 * real HTTP: a backup covers the image disks it names (none when it names none; never a
 * LUN or shareable disk), a disk that does not exist is refused, each checkpoint follows the
 * VM's newest one, a backup of raw disks only leaves none; and the seeded inventory shows
 * engine-like backups, checkpoints and image transfers rather than bare samples.
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, waitFor, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;
const POLL = { interval: 5, timeout: 5000 };

/** The service of the VM named `name`. */
async function vmNamed(connection: Connection, name: string) {
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: `name=${name}` });
  return vms.vmService(vm.id!);
}

/** Runs a backup of `disks` of `vm` to its end; resolves to the finished backup. */
async function backUp(
  vm: Awaited<ReturnType<typeof vmNamed>>,
  disks: string[],
  fromCheckpointId?: string,
): Promise<types.Backup> {
  const backups = vm.backupsService();
  const backup = await backups.add({ disks: disks.map((id) => ({ id })), fromCheckpointId });
  const service = backups.backupService(backup.id!);
  await waitFor(() => service.get(), (item) => item.phase === types.BackupPhase.READY, POLL);
  await service.finalize();
  return await waitFor(() => service.get(), (item) => item.phase === "succeeded", POLL);
}

/** The names and modes of the disks backup `id` of `vm` covers. */
async function covered(vm: Awaited<ReturnType<typeof vmNamed>>, id: string) {
  const disks = await vm.backupsService().backupService(id).disksService().list();
  return disks.map((disk) => [disk.name, disk.backupMode]);
}

Deno.test("simulator: a backup covers the image disks it names, and none when it names none", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vm = await vmNamed(connection, "vm002");
  const [own] = await vm.diskAttachmentsService().list();
  const attachments = vm.diskAttachmentsService();
  const lun = await attachments.add({
    interface: types.DiskInterface.VIRTIO,
    disk: {
      name: "lun",
      lunStorage: {
        type: types.StorageType.ISCSI,
        logicalUnits: [{ id: "36001405bbbb", address: "192.0.2.10", port: 3260, target: "iqn.t" }],
      },
    },
  });
  const shared = await attachments.add({
    interface: types.DiskInterface.VIRTIO,
    disk: {
      name: "shared",
      format: types.DiskFormat.RAW,
      sparse: false,
      shareable: true,
      provisionedSize: MIB,
      storageDomains: [{ name: "data" }],
    },
  });
  const disks = connection.systemService().disksService();
  await waitForStatus(disks.diskService(shared.id!), types.DiskStatus.OK, POLL);
  const before = (await vm.checkpointsService().list()).length;

  const nothing = await backUp(vm, []);
  assert.deepEqual(await covered(vm, nothing.id!), []);
  assert.equal(nothing.toCheckpointId, undefined, "no disk, no checkpoint");
  assert.equal((await vm.checkpointsService().list()).length, before);

  const some = await backUp(vm, [own.id!, lun.id!, shared.id!]);
  assert.deepEqual(await covered(vm, some.id!), [["vm002_disk1", "full"]]);
  const checkpoint = await vm.checkpointsService().checkpointService(some.toCheckpointId!).get();
  assert.equal(checkpoint.state, types.CheckpointState.CREATED);

  await rejectsWith(
    vm.backupsService().add({ disks: [{ id: "00000000-0000-4000-8000-0000000000aa" }] }),
    400,
    /^\[Cannot backup VM\. The following disk\(s\) ID\(s\) does not exist: 00000000-0000-4000-8000-0000000000aa\.\]$/,
  );
});

Deno.test("simulator: each checkpoint follows the VM's newest one; raw disks leave none", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vm = await vmNamed(connection, "vm003");
  const [own] = await vm.diskAttachmentsService().list();
  const first = await backUp(vm, [own.id!]);
  const second = await backUp(vm, [own.id!]);
  const third = await backUp(vm, [own.id!], second.toCheckpointId);
  assert.deepEqual(await covered(vm, third.id!), [["vm003_disk1", "incremental"]]);
  const checkpoints = await vm.checkpointsService().list();
  const made = [first, second, third].map((backup) => backup.toCheckpointId);
  const chain = checkpoints.filter((checkpoint) => made.includes(checkpoint.id));
  assert.deepEqual(chain.map((checkpoint) => checkpoint.id), made);
  assert.deepEqual(chain.map((checkpoint) => checkpoint.parentId), [
    checkpoints[checkpoints.indexOf(chain[0]) - 1]?.id,
    made[0],
    made[1],
  ]);
  for (const checkpoint of chain) {
    assert.ok(checkpoint.creationDate instanceof Date, checkpoint.id);
    assert.equal(checkpoint.state, types.CheckpointState.CREATED);
  }

  const raw = await connection.systemService().disksService().add({
    name: "rawdisk",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  const vm4 = await vmNamed(connection, "vm004");
  await vm4.diskAttachmentsService().add({
    disk: { id: raw.id },
    interface: types.DiskInterface.VIRTIO,
    active: true,
  });
  await waitForStatus(
    connection.systemService().disksService().diskService(raw.id!),
    types.DiskStatus.OK,
    POLL,
  );
  const rawOnly = await backUp(vm4, [raw.id!]);
  assert.deepEqual(await covered(vm4, rawOnly.id!), [["rawdisk", "full"]]);
  assert.equal(rawOnly.toCheckpointId, undefined);
  assert.deepEqual(await vm4.checkpointsService().list(), []);
});

Deno.test("simulator: seeded backups, checkpoints and image transfers look like the engine's", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const system = connection.systemService();
  let checkpoints = 0;
  for (const vm of await system.vmsService().list()) {
    const service = system.vmsService().vmService(vm.id!);
    for (const checkpoint of await service.checkpointsService().list()) {
      checkpoints++;
      assert.ok(checkpoint.creationDate instanceof Date, `${vm.name} ${checkpoint.id}`);
      assert.equal(checkpoint.state, types.CheckpointState.CREATED);
      const disks = await service.checkpointsService().checkpointService(checkpoint.id!)
        .disksService().list();
      assert.ok(disks.every((disk) => disk.format === types.DiskFormat.COW && disk.alias));
    }
    for (const backup of await service.backupsService().list()) {
      assert.ok(backup.phase && backup.creationDate instanceof Date, `${vm.name} ${backup.id}`);
      const disks = await service.backupsService().backupService(backup.id!).disksService()
        .list();
      assert.ok(disks.every((disk) => disk.backupMode && disk.alias), `${vm.name} ${backup.id}`);
    }
  }
  assert.ok(checkpoints > 0, "a VM was backed up before");
  const transfers = await system.imageTransfersService().list();
  assert.ok(transfers.length > 0);
  for (const transfer of transfers) {
    assert.ok(transfer.phase && transfer.direction && transfer.disk?.id, transfer.id);
  }
});

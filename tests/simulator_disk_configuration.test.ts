/**
 * Disk configurations and storage operations the simulator refuses as the engine does,
 * through the SDK over real HTTP: qcow2 preallocated and raw incremental-backup disks, raw
 * sparse disks on block domains (added directly or by an image upload), a LUN attached
 * twice; sparsify of anything but raw sparse disks, reduce on file domains and of
 * shareable disks; and the `actual_size` the engine keeps after them.
 */

import assert from "node:assert/strict";
import type { Connection } from "../mod.ts";
import { types, uploadDisk, uploadImage, waitForStatus } from "../mod.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const MIB = 1024 ** 2;
const POLL = { interval: 5, timeout: 5000 };
const CONFIGURATION = (what: string) =>
  new RegExp(
    `^\\[Cannot add Virtual Disk\\. Disk configuration \\(${what}\\) is incompatible with the storage domain type\\.\\]$`,
  );

/**
 * Adds the iSCSI data domain `blk`, attached to the data center `Default` and active there
 * (the engine makes disks on active domains only), and returns its name.
 */
async function blockDomain(connection: Connection): Promise<string> {
  const domain = await connection.systemService().storageDomainsService().add({
    name: "blk",
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: {
      type: types.StorageType.ISCSI,
      logicalUnits: [{ id: "36001405aaaa", address: "192.0.2.10", port: 3260, target: "iqn.t" }],
    },
  });
  const dataCenters = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  const attached = dataCenters.dataCenterService(dataCenter.id!).storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", POLL);
  return "blk";
}

/** Adds a disk on `domain` and waits until it is `ok`; returns its id. */
async function addDisk(
  connection: Connection,
  domain: string,
  settings: Partial<types.Disk>,
): Promise<string> {
  const disks = connection.systemService().disksService();
  const disk = await disks.add({
    name: "d",
    provisionedSize: MIB,
    format: types.DiskFormat.RAW,
    storageDomains: [{ name: domain }],
    ...settings,
  });
  await waitForStatus(disks.diskService(disk.id!), types.DiskStatus.OK, POLL);
  return disk.id!;
}

Deno.test("simulator: qcow2 preallocated and raw incremental-backup disks are refused", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  await rejectsWith(
    addDisk(connection, "data", { format: types.DiskFormat.COW, sparse: false }),
    409,
    CONFIGURATION("COW Preallocated backup-None"),
  );
  await rejectsWith(
    addDisk(connection, "data", {
      format: types.DiskFormat.RAW,
      backup: types.DiskBackup.INCREMENTAL,
    }),
    409,
    CONFIGURATION("RAW Sparse backup-Incremental"),
  );
  const vm = (await connection.systemService().vmsService().list({ search: "name=vm001" }))[0];
  const attachments = connection.systemService().vmsService().vmService(vm.id!)
    .diskAttachmentsService();
  await rejectsWith(
    attachments.add({
      interface: types.DiskInterface.VIRTIO,
      disk: {
        name: "thick",
        format: types.DiskFormat.COW,
        sparse: false,
        provisionedSize: MIB,
        storageDomains: [{ name: "data" }],
      },
    }),
    409,
    CONFIGURATION("COW Preallocated backup-None"),
  );
  const incremental = await addDisk(connection, "data", {
    format: types.DiskFormat.COW,
    sparse: false,
    backup: types.DiskBackup.INCREMENTAL,
  });
  const disk = await connection.systemService().disksService().diskService(incremental).get();
  assert.equal(disk.format, types.DiskFormat.COW);
  assert.equal(disk.sparse, false);
  const names = (await connection.systemService().disksService().list()).map((d) => d.name);
  assert.equal(names.filter((name) => name === "d" || name === "thick").length, 1);
});

Deno.test("simulator: a raw sparse disk is refused on a block domain, also by an upload", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const blk = await blockDomain(connection);
  await rejectsWith(
    addDisk(connection, blk, { format: types.DiskFormat.RAW, sparse: true }),
    409,
    CONFIGURATION("RAW Sparse backup-None"),
  );
  await addDisk(connection, blk, { format: types.DiskFormat.RAW, sparse: false });
  await addDisk(connection, blk, { format: types.DiskFormat.COW, sparse: true });
  const rawThin = await addDisk(connection, "data", { format: types.DiskFormat.RAW, sparse: true });
  // A copy onto the block domain is made qcow2 there, as the engine's copy does.
  const disks = connection.systemService().disksService();
  await disks.diskService(rawThin).copy({ storageDomain: { name: blk }, disk: { name: "copied" } });
  const [copied] = await disks.list({ search: "name=copied" });
  assert.equal(copied.format, types.DiskFormat.COW);
  const file = await Deno.makeTempFile({ suffix: ".raw" });
  try {
    await Deno.writeFile(file, new Uint8Array(MIB));
    await rejectsWith(
      uploadImage(connection, file, { storageDomain: blk, name: "up-raw-blk" }),
      409,
      CONFIGURATION("RAW Sparse backup-None"),
    );
    await rejectsWith(
      uploadImage(connection, file, {
        storageDomain: "data",
        name: "up-cow-thick",
        diskFormat: types.DiskFormat.COW,
        sparse: false,
      }),
      409,
      CONFIGURATION("COW Preallocated backup-None"),
    );
  } finally {
    await Deno.remove(file);
  }
  const names = (await disks.list()).map((d) => d.name);
  assert.ok(!names.includes("up-raw-blk") && !names.includes("up-cow-thick"), names.join());
});

Deno.test("simulator: a LUN is used by one disk only", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const vms = connection.systemService().vmsService();
  const [vm] = await vms.list({ search: "name=vm002" });
  const attachments = vms.vmService(vm.id!).diskAttachmentsService();
  const lun = {
    interface: types.DiskInterface.VIRTIO,
    disk: {
      name: "myiscsidisk",
      lunStorage: {
        type: types.StorageType.ISCSI,
        logicalUnits: [{ id: "36001405d6c6", address: "192.0.2.10", port: 3260, target: "iqn.t" }],
      },
    },
  };
  await attachments.add(lun);
  await rejectsWith(
    attachments.add(lun),
    409,
    /^\[Cannot add Virtual Disk\. The provided lun is used by another disk\.\]$/,
  );
  const disks = await connection.systemService().disksService().list({
    search: "name=myiscsidisk",
  });
  assert.equal(disks.length, 1);
  assert.equal((await attachments.list()).filter((a) => a.id === disks[0].id).length, 1);
});

Deno.test("simulator: sparsify takes raw sparse disks only, and keeps the recorded actual size", async () => {
  await using session = await simulatorSession({ delay: 0, transfers: { legacyDaemon: true } });
  const { connection } = session;
  const disks = connection.systemService().disksService();
  const [seeded] = await disks.list({ search: "name=vm006_disk1" });
  assert.equal(seeded.format, types.DiskFormat.COW);
  await rejectsWith(
    disks.diskService(seeded.id!).sparsify(),
    400,
    /^\[Cannot sparsify Virtual Disk\. Sparsifying is not supported for QCOW2 disk vm006_disk1\.\]$/,
  );
  const thick = await addDisk(connection, "data", { name: "thick", sparse: false });
  await rejectsWith(
    disks.diskService(thick).sparsify(),
    400,
    /^\[Cannot sparsify Virtual Disk\. Sparsifying is not supported for preallocated disk thick\.\]$/,
  );
  // Data overwritten with zeros (sent as such: a daemon without `zero`) stays allocated until
  // a sparsify frees it; the engine's recorded actual size does not follow.
  const thin = await addDisk(connection, "data", { name: "thin", sparse: true });
  await uploadDisk(connection, thin, new Uint8Array(MIB).fill(7), MIB);
  await waitForStatus(disks.diskService(thin), types.DiskStatus.OK, POLL);
  await uploadDisk(connection, thin, new Uint8Array(MIB), MIB);
  const before = await waitForStatus(disks.diskService(thin), types.DiskStatus.OK, POLL);
  assert.equal(before.actualSize, MIB);
  await disks.diskService(thin).sparsify();
  const after = await waitForStatus(disks.diskService(thin), types.DiskStatus.OK, POLL);
  assert.equal(after.actualSize, MIB, "the engine does not measure the volume again");
  assert.equal(
    (await disks.diskService(seeded.id!).get()).actualSize,
    seeded.actualSize,
    "a refused sparsify changes nothing",
  );
});

Deno.test("simulator: reduce is refused on file domains and for shareable disks", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  const disks = connection.systemService().disksService();
  const [seeded] = await disks.list({ search: "name=vm003_disk1" });
  await rejectsWith(
    disks.diskService(seeded.id!).reduce(),
    400,
    /^\[Cannot \$\{action\} Storage\. Reduce image isn't required for file based domains\.\]$/,
  );
  const blk = await blockDomain(connection);
  const shared = await addDisk(connection, blk, { name: "shared", sparse: false, shareable: true });
  await rejectsWith(
    disks.diskService(shared).reduce(),
    409,
    /^\[Cannot \$\{action\} Storage\. Reduce image is not supported for shareable disks\.\]$/,
  );
  const thin = await addDisk(connection, blk, { name: "thin", format: types.DiskFormat.COW });
  await disks.diskService(thin).reduce();
  await waitForStatus(disks.diskService(thin), types.DiskStatus.OK, POLL);
  const refused = await disks.diskService(seeded.id!).get();
  assert.equal(refused.actualSize, seeded.actualSize);
});

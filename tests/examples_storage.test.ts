/**
 * The storage, disk, backup and image transfer examples, each run against a fresh
 * simulator with its effect checked through the SDK; plus the simulator behaviours they
 * rely on, and a 64 MiB upload/download round trip through the transfer helpers.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  Connection,
  downloadDisk,
  findByName,
  type OvirtError,
  types,
  uploadDisk,
  waitFor,
  waitForStatus,
} from "../mod.ts";
import { type Simulator, startSimulator } from "../testing/mod.ts";
import { exampleTest, type Rewrite } from "./example_harness.ts";
import { qcow2 } from "./qcow2_image.ts";
import { removeDisk } from "../examples/lib/remove_disk.ts";

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const POLL = { interval: 10, timeout: 10_000 };
/**
 * The simulator's lifecycle step in the Ctrl-C tests: long enough for the harness (asking
 * every 50 ms) to interrupt an example while its transfer, backup or snapshot starts, and
 * shorter than the examples' 1 s polls, so that a step costs them one poll, not two.
 */
const CTRL_C_STEP = 900;

/** `size` deterministic pseudo-random bytes (xorshift32 from `seed`). */
function randomBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Asserts equal bytes, naming the first difference (a diff of megabytes would not do). */
function assertBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length, "length");
  const at = actual.findIndex((byte, index) => byte !== expected[index]);
  assert.equal(at, -1, `the bytes differ from offset ${at} on`);
}

/** Writes `bytes` to a new temporary file; returns its path. */
async function tempImage(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-image-", suffix: ".raw" });
  await Deno.writeFile(path, bytes);
  return path;
}

/** imageio's checksum of `bytes`: SHA-256 of the SHA-256 digests of its 4 MiB blocks. */
function blockChecksum(bytes: Uint8Array): string {
  const outer = createHash("sha256");
  for (let offset = 0; offset < bytes.length; offset += 4 * MIB) {
    outer.update(createHash("sha256").update(bytes.subarray(offset, offset + 4 * MIB)).digest());
  }
  return outer.digest("hex");
}

/**
 * Creates a raw disk of exactly `bytes.length` bytes on `data` (preallocated, or sparse
 * with `sparse`) and uploads `bytes` into it.
 */
async function diskWith(
  connection: Connection,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  sparse = false,
) {
  const disksService = connection.systemService().disksService();
  const disk = await disksService.add({
    name,
    format: types.DiskFormat.RAW,
    sparse,
    provisionedSize: bytes.length,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, POLL);
  await uploadDisk(connection, disk.id!, bytes, bytes.length, { pollInterval: 10 });
  return await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, POLL);
}

/** The bytes of disk `diskId`, downloaded. */
async function bytesOf(connection: Connection, diskId: string): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  await downloadDisk(
    connection,
    diskId,
    new WritableStream({ write: (piece) => void pieces.push(piece.slice()) }),
    { pollInterval: 10 },
  );
  const bytes = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  pieces.reduce((at, piece) => (bytes.set(piece, at), at + piece.length), 0);
  return bytes;
}

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `VM ${name}`);
  return vm;
}

async function diskNamed(connection: Connection, name: string): Promise<types.Disk> {
  const [disk] = await connection.systemService().disksService().list({ search: `name=${name}` });
  assert.ok(disk, `disk ${name}`);
  return disk;
}

async function domainNamed(connection: Connection, name: string): Promise<types.StorageDomain> {
  const [domain] = await connection.systemService().storageDomainsService().list({
    search: `name=${name}`,
  });
  assert.ok(domain, `storage domain ${name}`);
  return domain;
}

/** The storage domains of data center `Default` as attached there (with their real status). */
async function attachedDomains(connection: Connection): Promise<types.StorageDomain[]> {
  const dataCenters = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  return await dataCenters.dataCenterService(dataCenter.id!).storageDomainsService().list();
}

async function addNfsDomain(
  connection: Connection,
  name: string,
  type: types.StorageDomainType,
): Promise<types.StorageDomain> {
  return await connection.systemService().storageDomainsService().add({
    name,
    type,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: `/exports/${name}` },
  });
}

// Disks

exampleTest("add_floating_disk", {
  args: ["--name", "floating", "--size-gib", "3"],
  check: async ({ connection }) => {
    const disk = await diskNamed(connection, "floating");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.provisionedSize, 3 * GIB);
    assert.equal(disk.format, types.DiskFormat.COW);
    const domain = await domainNamed(connection, "data");
    assert.equal(disk.storageDomains?.[0]?.id, domain.id);
  },
});

exampleTest("add_disks", {
  args: ["--count", "3", "--format", "raw", "--size-gib", "2"],
  check: async ({ connection, stdout }) => {
    const disks = await connection.systemService().disksService().list({ search: "name=disk-*" });
    assert.deepEqual(disks.map((disk) => disk.name).sort(), ["disk-0", "disk-1", "disk-2"]);
    for (const disk of disks) {
      assert.equal(disk.status, types.DiskStatus.OK);
      assert.equal(disk.format, types.DiskFormat.RAW);
      assert.equal(disk.provisionedSize, 2 * GIB);
    }
    assert.match(stdout, /All 3 disks are ready/);
  },
});

/** Adds iSCSI data domain `name` and attaches it to data center `Default`; waits until active. */
async function blockDomain(connection: Connection, name: string): Promise<types.StorageDomain> {
  const domain = await connection.systemService().storageDomainsService().add({
    name,
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: {
      type: types.StorageType.ISCSI,
      volumeGroup: {
        logicalUnits: [{
          id: `3600a0b8${name}`,
          address: "192.0.2.10",
          port: 3260,
          target: "iqn.2024-01.org.example:storage.target1",
        }],
      },
    },
  });
  const dataCenters = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  const attached = dataCenters.dataCenterService(dataCenter.id!).storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", POLL);
  return domain;
}

/** The disks named `disk-*` as `name format sparse`, sorted. */
async function addedDisks(connection: Connection): Promise<string[]> {
  const disks = await connection.systemService().disksService().list({ search: "name=disk-*" });
  return disks.map((disk) => `${disk.name} ${disk.format} ${disk.sparse}`).sort();
}

// The defaults make disks the engine takes: qcow2 and sparse (never qcow2 preallocated).
exampleTest("add_disks", {
  args: ["--count", "2"],
  check: async ({ connection }) => {
    assert.deepEqual(await addedDisks(connection), ["disk-0 cow true", "disk-1 cow true"]);
  },
}, "example add_disks makes sparse qcow2 disks by default");

exampleTest("add_disks", {
  prepare: async (connection) => void await blockDomain(connection, "blk"),
  args: ["--count", "1", "--format", "raw", "--storage-domain", "blk"],
  check: async ({ connection }) => {
    assert.deepEqual(await addedDisks(connection), ["disk-0 raw false"]);
  },
}, "example add_disks makes raw disks on block storage preallocated");

for (const args of [["--format", "raw", "--sparse"], ["--format", "cow", "--thick"]]) {
  exampleTest("add_disks", {
    prepare: async (connection) => void await blockDomain(connection, "blk"),
    args: ["--count", "1", "--storage-domain", "blk", ...args],
    exitCode: 1,
    check: async ({ connection, stderr }) => {
      assert.deepEqual(await addedDisks(connection), []);
      assert.match(
        stderr,
        /Cannot add the disks: the engine refuses a (sparse raw|preallocated qcow2)/,
      );
    },
  }, `example add_disks refuses ${args.join(" ")} on block storage before adding a disk`);
}

/** Shows every disk read by id as `illegal`, as the engine shows a disk whose creation failed. */
const illegalDisks: Rewrite = ({ method, path }, body) =>
  method === "GET" && /\/disks\/[^/?]+$/.test(path)
    ? body.replace(/<status>\w+<\/status>/, "<status>illegal</status>")
    : body;

// A disk that becomes illegal ends the wait at once, with an error naming the status.
for (
  const [name, args] of [
    ["add_disks", ["--count", "1"]],
    ["add_floating_disk", []],
    ["extend_disk", ["--vm", "vm002", "--disk", "vm002_disk1"]],
  ] as [string, string[]][]
) {
  exampleTest(name, {
    args,
    rewrite: illegalDisks,
    exitCode: 1,
    check: ({ stderr }) => assert.match(stderr, /the status became illegal/),
  }, `example ${name} stops when the disk becomes illegal`);
}

exampleTest("delete_disks", {
  args: ["--name", "disk-*"],
  prepare: async (connection) => {
    const disksService = connection.systemService().disksService();
    for (const name of ["disk-0", "disk-1", "disk-2", "keep-me"]) {
      await disksService.add({
        name,
        format: types.DiskFormat.COW,
        provisionedSize: GIB,
        storageDomains: [{ name: "data" }],
      });
    }
  },
  check: async ({ connection }) => {
    const disksService = connection.systemService().disksService();
    assert.deepEqual(await disksService.list({ search: "name=disk-*" }), []);
    await diskNamed(connection, "keep-me");
    await diskNamed(connection, "vm001_disk1");
  },
});

exampleTest("delete_disks", {
  // `name=scratch disk-*` would be the disk `scratch` and the free-text word `disk-*`.
  args: ["--name", "scratch disk-*"],
  prepare: async (connection) => {
    const disksService = connection.systemService().disksService();
    const disks = { scratch: "disk-images", "scratch disk-1": "", "Scratch disk-2": "" };
    for (const [name, description] of Object.entries(disks)) {
      await disksService.add({
        name,
        description,
        format: types.DiskFormat.COW,
        provisionedSize: GIB,
        storageDomains: [{ name: "data" }],
      });
    }
  },
  check: async ({ connection }) => {
    const names = (await connection.systemService().disksService().list()).map((disk) => disk.name);
    assert.ok(!names.includes("scratch disk-1"));
    assert.ok(names.includes("scratch") && names.includes("Scratch disk-2"), names.join(", "));
  },
}, "example delete_disks: a pattern with a space, compared with case");

exampleTest("extend_disk", {
  args: ["--vm", "vm002", "--disk", "vm002_disk1", "--grow-gib", "2"],
  check: async ({ connection }) => {
    const disk = await diskNamed(connection, "vm002_disk1");
    assert.equal(disk.provisionedSize, 12 * GIB);
    assert.equal(disk.status, types.DiskStatus.OK);
  },
});

exampleTest("deactivate_disk_attachment", {
  args: ["--vm", "vm003", "--disk", "vm003_disk1"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const disk = await diskNamed(connection, "vm003_disk1");
    const attachment = await connection.systemService().vmsService().vmService(vm.id!)
      .diskAttachmentsService().attachmentService(disk.id!).get();
    assert.equal(attachment.active, false);
  },
});

exampleTest("deactivate_disk_attachment", {
  // A template made from the VM has a disk of the same name: the VM's own one is meant.
  prepare: async (connection) => {
    const vm = await vmNamed(connection, "vm003");
    const templates = connection.systemService().templatesService();
    const template = await templates.add({ name: "gold", vm: { id: vm.id } });
    await waitForStatus(templates.templateService(template.id!), "ok", {
      interval: 5,
      timeout: 5000,
    });
    const named = await connection.systemService().disksService().list({
      search: "name=vm003_disk1",
    });
    assert.equal(named.length, 2, "the template's copy has the same name");
  },
  args: ["--vm", "vm003", "--disk", "vm003_disk1"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    const [attachment] = await connection.systemService().vmsService().vmService(vm.id!)
      .diskAttachmentsService().list();
    assert.equal(attachment.active, false);
    assert.equal(stdout, "Deactivated disk vm003_disk1 of VM vm003\n");
  },
}, "example deactivate_disk_attachment: a disk name the VM's template shares");

exampleTest("add_lun_disk_to_vm", {
  args: ["--vm", "vm002", "--name", "lun1", "--lun-id", "3600a0b80001"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm002");
    const disk = await diskNamed(connection, "lun1");
    assert.equal(disk.storageType, types.DiskStorageType.LUN);
    assert.equal(disk.lunStorage?.type, types.StorageType.ISCSI);
    assert.equal(disk.lunStorage?.logicalUnits?.[0]?.id, "3600a0b80001");
    assert.deepEqual(disk.storageDomains ?? [], []);
    const attachment = await connection.systemService().vmsService().vmService(vm.id!)
      .diskAttachmentsService().attachmentService(disk.id!).get();
    assert.equal(attachment.interface, types.DiskInterface.VIRTIO);
    assert.equal(attachment.active, true);
  },
});

// Reduce is for disks on block storage (the engine refuses it on file domains): a qcow2
// disk on an iSCSI domain.
exampleTest("reduce_disk", {
  prepare: async (connection) => {
    const domain = await blockDomain(connection, "blk");
    const disksService = connection.systemService().disksService();
    const disk = await disksService.add({
      name: "onblock",
      format: types.DiskFormat.COW,
      sparse: true,
      provisionedSize: GIB,
      storageDomains: [{ id: domain.id }],
    });
    await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, POLL);
  },
  args: ["--disk", "onblock"],
  check: async ({ connection, stdout }) => {
    const disk = await diskNamed(connection, "onblock");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.actualSize, 0, "nothing was ever written to it");
    assert.match(stdout, /Disk onblock was reduced; it takes 0 bytes/);
  },
});

exampleTest("reduce_disk", {
  args: ["--disk", "vm003_disk1"],
  exitCode: 1,
  check: ({ stdout, stderr }) => {
    assert.match(stderr, /Disk vm003_disk1 is on storage domain data \(nfs\): only disks on block/);
    assert.doesNotMatch(stdout, /Reducing/);
  },
}, "example reduce_disk refuses a disk on file storage, as the engine does");

// Sparsify is for raw, sparse disks (the engine refuses qcow2 and preallocated ones).
exampleTest("sparsify_disk", {
  prepare: async (connection) => {
    const bytes = new Uint8Array(4 * MIB);
    bytes.set(randomBytes(MIB, 7));
    await diskWith(connection, "thin", bytes, true);
  },
  args: ["--disk", "thin"],
  check: async ({ connection }) => {
    const disk = await diskNamed(connection, "thin");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.actualSize, MIB, "the three zero MiB are freed");
    const bytes = await bytesOf(connection, disk.id!);
    assertBytes(bytes.subarray(0, MIB), randomBytes(MIB, 7));
    assert.ok(bytes.subarray(MIB).every((byte) => byte === 0));
  },
});

for (const [name, kind] of [["vm003_disk1", "qcow2"], ["thick", "preallocated"]]) {
  exampleTest("sparsify_disk", {
    prepare: async (connection) => void await diskWith(connection, "thick", new Uint8Array(MIB)),
    args: ["--disk", name],
    exitCode: 1,
    check: ({ stdout, stderr }) => {
      assert.match(stderr, new RegExp(`Disk ${name} is ${kind}: only raw, sparse disks`));
      assert.doesNotMatch(stdout, /Sparsifying/);
    },
  }, `example sparsify_disk refuses a ${kind} disk, as the engine does`);
}

exampleTest("extend_disk", {
  prepare: async (connection) => {
    const vms = connection.systemService().vmsService();
    const [vm] = await vms.list({ search: "name=vm002" });
    await vms.vmService(vm.id!).diskAttachmentsService().add({
      interface: types.DiskInterface.VIRTIO_SCSI,
      bootable: false,
      disk: {
        name: "lun4",
        lunStorage: { type: types.StorageType.ISCSI, logicalUnits: [{ id: "3600a0b8000b" }] },
      },
    });
  },
  args: ["--vm", "vm002", "--disk", "lun4"],
  exitCode: 1,
  check: ({ stdout, stderr }) => {
    assert.match(stderr, /^Disk lun4 is a lun disk: only image disks can be extended\n$/);
    assert.doesNotMatch(stdout, /Extending/);
  },
}, "example extend_disk refuses a direct LUN disk, whose size is the LUN's");

// A direct LUN disk has no image (no format, no storage domain): both refuse it by name.
for (const name of ["sparsify_disk", "reduce_disk"]) {
  exampleTest(name, {
    prepare: async (connection) => {
      await connection.systemService().disksService().add({
        name: "lun3",
        lunStorage: { type: types.StorageType.ISCSI, logicalUnits: [{ id: "3600a0b8000a" }] },
      });
    },
    args: ["--disk", "lun3"],
    exitCode: 1,
    check: ({ stderr }) => {
      assert.match(stderr, /^Disk lun3 is a lun disk: only image disks can be/);
      assert.doesNotMatch(stderr, /TypeError|qcow2|Uncaught|^ +at /m);
    },
  }, `example ${name} refuses a direct LUN disk`);
}

// After a cancelled upload the engine removes the disk itself: a disk gone is no failure.
Deno.test("examples' removeDisk counts a disk already removed as removed", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  const disksService = connection.systemService().disksService();
  const disk = await disksService.add({
    name: "gone",
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, POLL);
  await disksService.diskService(disk.id!).remove();
  const said: string[] = [];
  const { error } = console;
  const exitCode = Deno.exitCode;
  console.error = (text: string) => void said.push(text);
  try {
    await removeDisk(disksService, disk);
    assert.equal(Deno.exitCode, exitCode);
  } finally {
    console.error = error;
    Deno.exitCode = exitCode;
  }
  assert.deepEqual(said, [`Disk gone (${disk.id}) is removed already`]);
});

// Image transfers

const uploaded = randomBytes(3 * MIB + 12345, 11);
let uploadedPath = "";
exampleTest("upload_disk", {
  args: async () => ["--file", uploadedPath = await tempImage(uploaded), "--name", "uploaded"],
  check: async ({ connection, stdout }) => {
    await Deno.remove(uploadedPath);
    const disk = await diskNamed(connection, "uploaded");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.format, types.DiskFormat.RAW);
    assert.equal(disk.provisionedSize, uploaded.length);
    assertBytes(await bytesOf(connection, disk.id!), uploaded);
    assert.match(stdout, /^Uploading 100% \(3\.0 MiB\)$/m);
  },
});

/** The image transfers the simulator has started (not its seeded sample, which has no phase). */
async function transfersStarted(connection: Connection): Promise<types.ImageTransfer[]> {
  const transfers = await connection.systemService().imageTransfersService().list();
  return transfers.filter((transfer) => transfer.phase !== undefined);
}

/** Whether a transfer is under way (the seed's own one has finished long ago). */
async function transferUnderWay(connection: Connection): Promise<boolean> {
  const started = await transfersStarted(connection);
  return started.some((transfer) => !/^(finished|cancelled)_/.test(String(transfer.phase)));
}

/**
 * For a second Ctrl-C: interrupts once a transfer is under way, the engine answering slowly
 * (2 s a request) from then on, so that the clean-up the first Ctrl-C starts still runs at
 * the second, 100 ms later, which ends the example with 130 (the check is to set `latency`
 * back); `prepare` runs first.
 */
function interruptedTwice(prepare?: (connection: Connection) => Promise<unknown>) {
  let slowed: Simulator | undefined;
  return {
    prepare: async (connection: Connection, simulator: Simulator) => {
      slowed = simulator;
      await prepare?.(connection);
    },
    interruptWhen: async (connection: Connection) => {
      if (!await transferUnderWay(connection)) return false;
      slowed!.setFaults({ latency: 2000 });
      return true;
    },
    simulator: { delay: CTRL_C_STEP },
    interruptAgain: 100,
    exitCode: 130,
  };
}

/** Asserts that the second Ctrl-C's message names `left` as what the example leaves. */
function assertLeft(stderr: string, left: string): void {
  assert.ok(stderr.includes(`; left: ${left}\n`), stderr);
}

/** The transfer the simulator started for `disk`. */
async function transferOf(connection: Connection, disk: types.Disk): Promise<types.ImageTransfer> {
  const [transfer] = (await transfersStarted(connection)).filter((item) =>
    item.disk?.id === disk.id
  );
  assert.ok(transfer, `a transfer of disk ${disk.name}`);
  return transfer;
}

/** Asserts that every transfer the simulator started has ended (none left open). */
async function assertTransfersEnded(connection: Connection): Promise<void> {
  for (const transfer of await transfersStarted(connection)) {
    assert.match(
      String(transfer.phase),
      /^(finished|cancelled)_/,
      `transfer ${transfer.id} ${transfer.phase}`,
    );
  }
}

// A raw image on block storage goes into a preallocated disk: the engine refuses a sparse one.
exampleTest("upload_disk", {
  prepare: async (connection) => void await blockDomain(connection, "blk"),
  args: async () => [
    "--file",
    uploadedPath = await tempImage(uploaded),
    "--name",
    "onblock",
    "--storage-domain",
    "blk",
  ],
  check: async ({ connection }) => {
    await Deno.remove(uploadedPath);
    const disk = await diskNamed(connection, "onblock");
    assert.deepEqual([disk.format, disk.sparse], [types.DiskFormat.RAW, false]);
    assertBytes(await bytesOf(connection, disk.id!), uploaded);
  },
}, "example upload_disk makes a raw disk on block storage preallocated");

exampleTest("upload_disk", {
  args: async () => [
    "--file",
    uploadedPath = await tempImage(uploaded),
    "--name",
    "thickcow",
    "--disk-format",
    "cow",
    "--thick",
  ],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    await Deno.remove(uploadedPath);
    const disks = await connection.systemService().disksService().list({
      search: "name=thickcow",
    });
    assert.deepEqual(disks, []);
    assert.match(stderr, /the engine refuses a preallocated qcow2 \(cow\) disk/);
  },
}, "example upload_disk refuses --thick for a qcow2 disk before making it");

// Ctrl-C while the transfer starts (one lifecycle step takes CTRL_C_STEP): the transfer is
// cancelled and the new disk removed, and the script says it was interrupted.
exampleTest("upload_disk", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => ["--file", uploadedPath = await tempImage(uploaded), "--name", "stopped"],
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    await Deno.remove(uploadedPath);
    const disks = await connection.systemService().disksService().list({ search: "name=stopped" });
    assert.deepEqual(disks, []);
    await assertTransfersEnded(connection);
    assert.match(stderr, /^Interrupted by Ctrl-C$/m);
    assert.doesNotMatch(stderr, /Uncaught|^ +at /m, "the message alone, no stack trace");
  },
}, "example upload_disk cancels its transfer and removes its disk on Ctrl-C");

// A second Ctrl-C exits at once: it names the disk and the transfer uploadImage made, with ids.
exampleTest("upload_disk", {
  ...interruptedTwice(),
  args: async () => ["--file", uploadedPath = await tempImage(uploaded), "--name", "left"],
  check: async ({ connection, simulator, stderr }) => {
    simulator.setFaults({ latency: undefined });
    await Deno.remove(uploadedPath);
    const disk = await diskNamed(connection, "left");
    const transfer = await transferOf(connection, disk);
    assertLeft(stderr, `disk left (${disk.id}), image transfer ${transfer.id}`);
  },
}, "example upload_disk names the disk and the transfer it leaves on a second Ctrl-C");

const exported = randomBytes(5 * MIB + 321, 13);
let downloadPath = "";
exampleTest("download_disk", {
  prepare: async (connection) => void await diskWith(connection, "exported", exported),
  args: async () => {
    downloadPath = await Deno.makeTempFile({ prefix: "ovirt-sdk-download-" });
    return ["--disk", "exported", "--file", downloadPath];
  },
  check: async ({ stdout }) => {
    const bytes = await Deno.readFile(downloadPath);
    await Deno.remove(downloadPath);
    assertBytes(bytes, exported);
    assert.match(stdout, new RegExp(`Downloaded ${exported.length} bytes to `));
    assert.match(stdout, /^Downloading 100% /m);
  },
});

// Disk names need not be unique: of two disks named `dup`, `--disk` takes the second's id.
let dupPath = "";
let dupId = "";
exampleTest("download_disk", {
  prepare: async (connection) => {
    await diskWith(connection, "dup", randomBytes(MIB, 3));
    dupId = (await diskWith(connection, "dup", exported)).id!;
  },
  args: async () => {
    dupPath = await Deno.makeTempFile({ prefix: "ovirt-sdk-download-" });
    return ["--disk", dupId, "--file", dupPath];
  },
  check: async () => {
    const bytes = await Deno.readFile(dupPath);
    await Deno.remove(dupPath);
    assertBytes(bytes, exported);
  },
}, "example download_disk takes a disk's id for --disk");

// Ctrl-C while the transfer starts: it is cancelled and no file is left.
let stoppedDir = "";
exampleTest("download_disk", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => {
    stoppedDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-download-" });
    return ["--disk", "vm003_disk1", "--file", `${stoppedDir}/disk.raw`];
  },
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    const files = await Array.fromAsync(Deno.readDir(stoppedDir));
    await Deno.remove(stoppedDir, { recursive: true });
    assert.deepEqual(files, []);
    await assertTransfersEnded(connection);
    assert.match(stderr, /Interrupted by Ctrl-C/);
  },
}, "example download_disk cancels its transfer and leaves no file on Ctrl-C");

// A second Ctrl-C exits at once: it names the transfer downloadImage made, with its id.
let leftDir = "";
exampleTest("download_disk", {
  ...interruptedTwice(),
  args: async () => {
    leftDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-download-" });
    return ["--disk", "vm003_disk1", "--file", `${leftDir}/disk.raw`];
  },
  check: async ({ connection, simulator, stderr }) => {
    simulator.setFaults({ latency: undefined });
    await Deno.remove(leftDir, { recursive: true });
    const transfer = await transferOf(connection, await diskNamed(connection, "vm003_disk1"));
    assertLeft(stderr, `image transfer ${transfer.id} of disk vm003_disk1`);
  },
}, "example download_disk names the transfer it leaves on a second Ctrl-C");

exampleTest("checksum_disk", {
  simulator: { delay: CTRL_C_STEP },
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    await assertTransfersEnded(connection);
    const disk = await diskNamed(connection, "vm003_disk1");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.match(stderr, /Interrupted by Ctrl-C/);
  },
}, "example checksum_disk ends its transfer on Ctrl-C");

exampleTest("cancel_transfer", {
  prepare: async (connection) => {
    const disk = await connection.systemService().disksService().add({
      name: "pending",
      format: types.DiskFormat.RAW,
      provisionedSize: MIB,
      storageDomains: [{ name: "data" }],
    });
    const transfers = connection.systemService().imageTransfersService();
    await waitForStatus(
      connection.systemService().disksService().diskService(disk.id!),
      types.DiskStatus.OK,
      POLL,
    );
    const transfer = await transfers.add({ disk: { id: disk.id }, direction: "upload" });
    const transferService = transfers.imageTransferService(transfer.id!);
    await waitFor(() => transferService.get(), (item) => item.phase === "transferring", POLL);
    await transferService.pause();
  },
  args: async (connection) => {
    const transfers = await connection.systemService().imageTransfersService().list();
    const paused = transfers.find((item) => item.phase === types.ImageTransferPhase.PAUSED_USER);
    return ["--transfer-id", paused!.id!];
  },
  check: async ({ connection, stdout }) => {
    const transfers = await connection.systemService().imageTransfersService().list();
    const disk = await diskNamed(connection, "pending");
    const transfer = transfers.find((item) => item.disk?.id === disk.id);
    assert.equal(transfer?.phase, types.ImageTransferPhase.FINISHED_FAILURE);
    assert.equal(
      disk.status,
      types.DiskStatus.ILLEGAL,
      "the engine leaves a cancelled upload's disk so",
    );
    assert.match(stdout, /is paused_user; cancelling/);
  },
});

exampleTest("image_transfer", {
  args: ["--disk", "vm003_disk1", "--seconds", "1", "--interval", "0.3"],
  check: async ({ connection, stdout }) => {
    const id = stdout.match(/^Transfer ID: (\S+)$/m)?.[1];
    assert.ok(id, stdout);
    const transfer = await connection.systemService().imageTransfersService()
      .imageTransferService(id).get();
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_SUCCESS);
    assert.ok(stdout.includes(`Transfer URL: ${transfer.transferUrl}`));
    assert.match(stdout, /^Transfer host: host\d$/m);
    assert.ok((stdout.match(/^Transfer is alive \(HTTP 200\)$/gm) ?? []).length >= 2, stdout);
    assert.equal((await diskNamed(connection, "vm003_disk1")).status, types.DiskStatus.OK);
  },
});

// Another session cancels the transfer while the example keeps it alive: the image server
// then refuses the ticket (403), and the example says so instead of finalizing.
exampleTest("image_transfer", {
  args: ["--disk", "vm003_disk1", "--seconds", "30", "--interval", "0.2"],
  exitCode: 1,
  prepare: (connection) => {
    const transfersService = connection.systemService().imageTransfersService();
    (async () => {
      for (;;) {
        const [transfer] = (await transfersService.list())
          .filter((found) => found.phase === types.ImageTransferPhase.TRANSFERRING);
        // Once the example is past its start and pinging the image server.
        await new Promise((resolve) => setTimeout(resolve, transfer ? 500 : 50));
        if (transfer) return await transfersService.imageTransferService(transfer.id!).cancel();
      }
    })().catch(() => {}); // the simulator closed: the test is over
  },
  check: async ({ connection, stdout, stderr }) => {
    const id = stdout.match(/^Transfer ID: (\S+)$/m)?.[1];
    assert.ok(id, stdout);
    const transfer = await connection.systemService().imageTransfersService()
      .imageTransferService(id).get();
    assert.equal(transfer.phase, types.ImageTransferPhase.FINISHED_FAILURE);
    assert.match(stderr, /^The image server refused the transfer \(HTTP 403\): /);
    assert.match(stdout, /^Transfer is alive \(HTTP 200\)$/m);
    assert.doesNotMatch(stdout, /Finalizing|HTTP 403/);
    assert.match(stdout, /\nTransfer finished_failure\n$/);
    assert.equal((await diskNamed(connection, "vm003_disk1")).status, types.DiskStatus.OK);
  },
}, "example image_transfer stops when the transfer is cancelled elsewhere");

// Disks `web` and `web 1` (whose description holds the word 1): the transfer is on `web 1`.
exampleTest("image_transfer", {
  prepare: async (connection) => {
    const web = await diskWith(connection, "web", new Uint8Array(MIB));
    await diskWith(connection, "web 1", new Uint8Array(MIB));
    await connection.systemService().disksService().diskService(web.id!)
      .update({ description: "copy 1" });
  },
  args: ["--disk", "web 1", "--seconds", "0.5", "--interval", "0.2"],
  check: async ({ connection, stdout }) => {
    const id = stdout.match(/^Transfer ID: (\S+)$/m)?.[1];
    assert.ok(id, stdout);
    const transfer = await connection.systemService().imageTransfersService()
      .imageTransferService(id).get();
    const disks = await connection.systemService().disksService().list();
    const target = disks.find((disk) => disk.name === "web 1");
    assert.equal(transfer.disk?.id, target?.id);
  },
}, "example image_transfer opens the transfer on the disk of that exact name");

// Ctrl-C while the transfer starts: it is cancelled, and the disk is not left locked.
exampleTest("image_transfer", {
  simulator: { delay: CTRL_C_STEP },
  args: ["--disk", "vm003_disk1"],
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    await assertTransfersEnded(connection);
    assert.equal((await diskNamed(connection, "vm003_disk1")).status, types.DiskStatus.OK);
    assert.match(stderr, /^Interrupted by Ctrl-C$/m);
  },
}, "example image_transfer cancels a transfer still starting on Ctrl-C");

const checked = randomBytes(9 * MIB + 7, 17);
exampleTest("checksum_disk", {
  prepare: async (connection) => void await diskWith(connection, "checked", checked),
  args: ["--disk", "checked"],
  check: async ({ connection, stdout }) => {
    const answer = JSON.parse(stdout);
    assert.deepEqual(answer, {
      algorithm: "sha256",
      block_size: 4 * MIB,
      checksum: blockChecksum(checked),
    });
    const disk = await diskNamed(connection, "checked");
    assert.equal(disk.status, types.DiskStatus.OK);
    const transfers = await connection.systemService().imageTransfersService().list();
    const phases = transfers.filter((item) => item.direction === "download").map((item) =>
      item.phase
    );
    assert.deepEqual(phases, [types.ImageTransferPhase.FINISHED_SUCCESS]);
  },
});

const local = randomBytes(6 * MIB + 99, 19);
let localPath = "";
exampleTest("checksum_image", {
  args: async () => ["--file", localPath = await tempImage(local)],
  check: async ({ stdout }) => {
    await Deno.remove(localPath);
    assert.deepEqual(JSON.parse(stdout), {
      algorithm: "sha256",
      block_size: 4 * MIB,
      checksum: blockChecksum(local),
    });
  },
});

// Disk snapshots

/** Takes a snapshot of VM `vmName` and waits until it is done. */
async function snapshotVm(connection: Connection, vmName: string, description: string) {
  const vm = await vmNamed(connection, vmName);
  const snapshotsService = connection.systemService().vmsService().vmService(vm.id!)
    .snapshotsService();
  const snapshot = await snapshotsService.add({ description });
  const snapshotService = snapshotsService.snapshotService(snapshot.id!);
  await waitFor(() => snapshotService.get(), (item) => item.snapshotStatus === "ok", POLL);
  return snapshotService;
}

exampleTest("list_disk_snapshots", {
  prepare: async (connection) => {
    await snapshotVm(connection, "vm004", "first");
    await snapshotVm(connection, "vm004", "second");
  },
  args: ["--disk", "vm004_disk1"],
  check: async ({ connection, stdout }) => {
    const chain = JSON.parse(stdout);
    const disk = await diskNamed(connection, "vm004_disk1");
    const listed = await connection.systemService().disksService().diskService(disk.id!)
      .diskSnapshotsService().list({ includeActive: true });
    assert.equal(chain.length, 3);
    assert.deepEqual(
      chain.map((layer: { id: string }) => layer.id),
      listed.map((layer) => layer.id),
    );
    assert.equal(chain[0].parent, undefined);
    assert.equal(chain[1].parent, chain[0].id);
    assert.equal(chain[2].parent, chain[1].id);
    assert.equal(chain[2].id, disk.imageId, "the active layer comes last");
    assert.deepEqual(chain.map((layer: { status: string }) => layer.status), ["ok", "ok", "ok"]);
  },
});

const before = randomBytes(MIB + 17, 31);
const after = randomBytes(MIB + 17, 37);
let snapshotPath = "";
exampleTest("download_disk_snapshot", {
  prepare: async (connection) => {
    const disk = await diskWith(connection, "versioned", before);
    const vm = await vmNamed(connection, "vm006");
    await connection.systemService().vmsService().vmService(vm.id!).diskAttachmentsService()
      .add({ disk: { id: disk.id }, interface: types.DiskInterface.VIRTIO, active: true });
    await snapshotVm(connection, "vm006", "before the change");
    await uploadDisk(connection, disk.id!, after, after.length, { pollInterval: 10 });
  },
  args: async () => {
    snapshotPath = await Deno.makeTempFile({ prefix: "ovirt-sdk-snapshot-" });
    return ["--disk", "versioned", "--file", snapshotPath];
  },
  check: async ({ connection, stdout }) => {
    const saved = await Deno.readFile(snapshotPath);
    await Deno.remove(snapshotPath);
    assertBytes(saved, before);
    const disk = await diskNamed(connection, "versioned");
    assertBytes(await bytesOf(connection, disk.id!), after);
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.match(stdout, /^Downloading 100% /m);
  },
});

exampleTest("download_disk_snapshot", {
  args: ["--disk", "vm002_disk1"],
  exitCode: 1,
  check: ({ stderr }) => assert.match(stderr, /Disk vm002_disk1 has no snapshots/),
}, "example download_disk_snapshot says when the disk has no snapshots");

// A second Ctrl-C exits at once: it names the transfer downloadImage made, with its id.
let leftSnapshotDir = "";
exampleTest("download_disk_snapshot", {
  ...interruptedTwice((connection) => snapshotVm(connection, "vm004", "kept")),
  args: async () => {
    leftSnapshotDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-snapshot-" });
    return ["--disk", "vm004_disk1", "--file", `${leftSnapshotDir}/snapshot.raw`];
  },
  check: async ({ connection, simulator, stderr }) => {
    simulator.setFaults({ latency: undefined });
    await Deno.remove(leftSnapshotDir, { recursive: true });
    const [transfer] = (await transfersStarted(connection)).filter((item) => item.snapshot);
    const snapshot = transfer?.snapshot?.id;
    assert.ok(snapshot, "a transfer of a snapshot");
    assertLeft(stderr, `image transfer ${transfer.id} of snapshot ${snapshot} of disk vm004_disk1`);
  },
}, "example download_disk_snapshot names the transfer it leaves on a second Ctrl-C");

// Backups

/** Runs a backup of VM `vmId` to the end (start, ready, finalize); returns it. */
async function backUp(connection: Connection, vmId: string, fromCheckpointId?: string) {
  const vmService = connection.systemService().vmsService().vmService(vmId);
  const backupsService = vmService.backupsService();
  // A backup covers the disks it names, as the engine's does.
  const attachments = await vmService.diskAttachmentsService().list();
  const disks = attachments.map((attachment) => ({ id: attachment.id }));
  const backup = await backupsService.add({ fromCheckpointId, disks });
  const backupService = backupsService.backupService(backup.id!);
  await waitFor(() => backupService.get(), (item) => item.phase === "ready", POLL);
  await backupService.finalize();
  return await waitFor(() => backupService.get(), (item) => item.phase === "succeeded", POLL);
}

const precious = randomBytes(2 * MIB + 4321, 29);
let backupDir = "";
exampleTest("backup_vm", {
  prepare: async (connection) => {
    const disk = await diskWith(connection, "precious", precious);
    const vm = await vmNamed(connection, "vm002");
    await connection.systemService().vmsService().vmService(vm.id!).diskAttachmentsService()
      .add({ disk: { id: disk.id }, interface: types.DiskInterface.VIRTIO_SCSI, active: true });
  },
  args: async () => {
    backupDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-backup-" });
    return ["--vm", "vm002", "--disk", "precious", "--backup-dir", backupDir];
  },
  check: async ({ connection, stdout }) => {
    const files = await Array.fromAsync(Deno.readDir(backupDir));
    const disk = await diskNamed(connection, "precious");
    assert.equal(files.length, 1);
    assert.match(files[0].name, new RegExp(`^${disk.id}\\.\\d{12}\\.full\\.raw$`));
    assertBytes(await Deno.readFile(`${backupDir}/${files[0].name}`), precious);
    await Deno.remove(backupDir, { recursive: true });
    const vmService = connection.systemService().vmsService().vmService(
      (await vmNamed(connection, "vm002")).id!,
    );
    const [backup] = await vmService.backupsService().list();
    assert.equal(backup.phase, types.BackupPhase.SUCCEEDED);
    const backupDisks = await vmService.backupsService().backupService(backup.id!).disksService()
      .list();
    assert.deepEqual(backupDisks.map((item) => [item.name, item.backupMode]), [[
      "precious",
      "full",
    ]]);
    // A raw disk has no dirty bitmap: the engine makes no checkpoint for a backup of raw disks.
    assert.deepEqual(await vmService.checkpointsService().list(), []);
    assert.equal(backup.toCheckpointId, undefined);
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.match(stdout, /Saved disk precious \(full\) to /);
  },
});

// Ctrl-C while the download's transfer starts: the transfer and the backup are ended, no
// file is left.
exampleTest("backup_vm", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => {
    backupDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-backup-" });
    return ["--vm", "vm002", "--backup-dir", backupDir];
  },
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    const files = await Array.fromAsync(Deno.readDir(backupDir));
    await Deno.remove(backupDir, { recursive: true });
    assert.deepEqual(files, []);
    await assertTransfersEnded(connection);
    const vm = await vmNamed(connection, "vm002");
    const backups = await connection.systemService().vmsService().vmService(vm.id!)
      .backupsService().list();
    assert.deepEqual(backups.map((backup) => backup.phase), [types.BackupPhase.SUCCEEDED]);
    assert.match(stderr, /Interrupted by Ctrl-C/);
    // Its checkpoint is named as one no incremental backup is to start from.
    const checkpoint = backups[0].toCheckpointId;
    assert.ok(checkpoint, "the backup left a checkpoint");
    assert.ok(
      stderr.includes(`Checkpoint ${checkpoint} stands for a backup that was not saved`),
      stderr,
    );
  },
}, "example backup_vm ends its transfer and finalizes the backup on Ctrl-C");

// A second Ctrl-C exits at once: it names the backup and the transfer it leaves, with ids.
exampleTest("backup_vm", {
  simulator: { delay: CTRL_C_STEP },
  args: ["--vm", "vm002", "--skip-download"],
  interruptWhen: async (connection) => {
    const vm = await vmNamed(connection, "vm002");
    const backups = await connection.systemService().vmsService().vmService(vm.id!)
      .backupsService().list();
    return backups.length > 0;
  },
  interruptAgain: 100,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    const vm = await vmNamed(connection, "vm002");
    const [backup] = await connection.systemService().vmsService().vmService(vm.id!)
      .backupsService().list();
    assert.ok(
      stderr.includes(
        `exiting without finishing the clean-up; left: backup ${backup.id} of VM vm002`,
      ),
      stderr,
    );
  },
}, "example backup_vm names the backup it leaves on a second Ctrl-C");

exampleTest("backup_vm", {
  args: ["--vm", "vm002", "--disk", "vm002_disk1", "--disk", "nosuchdisk", "--skip-download"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    const vm = await vmNamed(connection, "vm002");
    const backups = await connection.systemService().vmsService().vmService(vm.id!)
      .backupsService().list();
    assert.deepEqual(backups, []);
    assert.match(stderr, /VM vm002 has no disk nosuchdisk/);
  },
}, "example backup_vm refuses a --disk the VM does not have, before backing anything up");

// A direct LUN disk is never in a backup: asked for by name, it is an error, before any backup.
exampleTest("backup_vm", {
  prepare: async (connection) => {
    const vm = await vmNamed(connection, "vm002");
    await connection.systemService().vmsService().vmService(vm.id!).diskAttachmentsService().add({
      disk: {
        name: "lun2",
        lunStorage: { type: types.StorageType.ISCSI, logicalUnits: [{ id: "3600a0b80009" }] },
      },
      interface: types.DiskInterface.VIRTIO_SCSI,
      active: true,
    });
  },
  args: ["--vm", "vm002", "--disk", "lun2", "--skip-download"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    const vm = await vmNamed(connection, "vm002");
    const backups = await connection.systemService().vmsService().vmService(vm.id!)
      .backupsService().list();
    assert.deepEqual(backups, []);
    assert.match(stderr, /Disk lun2 \(\S+\) of VM vm002 is a lun disk, not an image: no backup/);
  },
}, "example backup_vm refuses a --disk no backup covers (a direct LUN), before backing up");

exampleTest("checkpoints", {
  prepare: async (connection) => {
    const vm = await vmNamed(connection, "vm003");
    let checkpoint: string | undefined;
    for (let i = 0; i < 3; i++) {
      checkpoint = (await backUp(connection, vm.id!, checkpoint)).toCheckpointId;
    }
  },
  args: ["--vm", "vm003", "--keep", "1"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    const backups = await connection.systemService().vmsService().vmService(vm.id!).backupsService()
      .list();
    const made = backups.map((backup) => backup.toCheckpointId!);
    const left = await connection.systemService().vmsService().vmService(vm.id!)
      .checkpointsService().list();
    assert.deepEqual(left.map((checkpoint) => checkpoint.id), [made[2]]);
    assert.match(stdout, /VM vm003 has 3 checkpoints/);
    for (const id of made) assert.ok(stdout.includes(`${id}: created `), id);
    assert.ok(stdout.includes(`${made[1]}: created `) && stdout.includes(`parent ${made[0]}`));
    assert.deepEqual(
      stdout.match(/^Removed checkpoint (\S+)$/gm),
      made.slice(0, 2).map((id) => `Removed checkpoint ${id}`),
    );
  },
});

let ovfDir = "";
exampleTest("vm_backup", {
  args: async () => {
    ovfDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-ovf-" });
    return ["--vm", "vm004", "--agent-vm", "vm005", "--ovf-dir", ovfDir];
  },
  check: async ({ connection, stdout }) => {
    const vmsService = connection.systemService().vmsService();
    const dataVm = await vmNamed(connection, "vm004");
    const agentVm = await vmNamed(connection, "vm005");
    const ovf = await Deno.readTextFile(`${ovfDir}/vm004-${dataVm.id}.ovf`);
    await Deno.remove(ovfDir, { recursive: true });
    assert.match(ovf, /^<\?xml [^]*<ovf:Envelope [^]*<Name>vm004<\/Name>/);
    assert.match(ovf, /ovf:disk-alias="vm004_disk1"/);
    const snapshots = await vmsService.vmService(dataVm.id!).snapshotsService().list();
    assert.deepEqual(snapshots.map((snapshot) => snapshot.snapshotType), ["active"]);
    const attached = await vmsService.vmService(agentVm.id!).diskAttachmentsService().list();
    assert.deepEqual(attached.map((attachment) => attachment.id), [
      (await diskNamed(connection, "vm005_disk1")).id,
    ]);
    assert.match(stdout, /^Attached disk vm004_disk1 to VM vm005 as /m);
    assert.match(stdout, /^Detached disk /m);
    const events = await connection.systemService().eventsService().list();
    const ours = events.filter((event) => event.origin === "mybackup").reverse();
    assert.deepEqual(ours.map((event) => event.description?.match(/is (\w+)\.$/)?.[1]), [
      "starting",
      "completed",
    ]);
    assert.equal(ours[0].vm?.id, dataVm.id);
    assert.equal(ours[1].customId, Number(ours[0].customId!) + 1);
  },
});

// Ctrl-C while the snapshot is taken (one lifecycle step takes CTRL_C_STEP): it is removed.
exampleTest("vm_backup", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => {
    ovfDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-ovf-" });
    return ["--vm", "vm004", "--agent-vm", "vm005", "--ovf-dir", ovfDir];
  },
  interruptWhen: async (connection) => {
    const vm = await vmNamed(connection, "vm004");
    const snapshots = await connection.systemService().vmsService().vmService(vm.id!)
      .snapshotsService().list();
    return snapshots.some((snapshot) => snapshot.description?.startsWith("vm004-backup-"));
  },
  exitCode: 130,
  check: async ({ connection, stdout, stderr }) => {
    await Deno.remove(ovfDir, { recursive: true });
    const vm = await vmNamed(connection, "vm004");
    const snapshots = await connection.systemService().vmsService().vmService(vm.id!)
      .snapshotsService().list();
    assert.deepEqual(snapshots.map((snapshot) => snapshot.snapshotType), ["active"]);
    assert.match(stdout, /^Removed snapshot 'vm004-backup-/m);
    assert.match(stderr, /Interrupted by Ctrl-C/);
  },
}, "example vm_backup removes its snapshot on Ctrl-C");

// A step fails: the second disk of vm004 (shareable, so that the engine lets two VMs have
// it) is already attached to the agent VM, so that attaching its snapshot copy is refused.
// The snapshot and the first attachment go anyway.
let secondDisk = "";
exampleTest("vm_backup", {
  args: async () => {
    ovfDir = await Deno.makeTempDir({ prefix: "ovirt-sdk-ovf-" });
    return ["--vm", "vm004", "--agent-vm", "vm005", "--ovf-dir", ovfDir];
  },
  exitCode: 1,
  prepare: async (connection) => {
    const vmsService = connection.systemService().vmsService();
    const dataVm = await vmNamed(connection, "vm004");
    const added = await vmsService.vmService(dataVm.id!).diskAttachmentsService().add({
      disk: {
        name: "vm004_disk2",
        format: types.DiskFormat.RAW,
        sparse: false,
        shareable: true,
        provisionedSize: GIB,
        storageDomains: [{ name: "data" }],
      },
      interface: types.DiskInterface.VIRTIO,
      active: true,
    });
    secondDisk = added.disk!.id!;
    const disksService = connection.systemService().disksService();
    await waitForStatus(disksService.diskService(secondDisk), types.DiskStatus.OK);
    const agentVm = await vmNamed(connection, "vm005");
    await vmsService.vmService(agentVm.id!).diskAttachmentsService().add({
      disk: { id: secondDisk },
      interface: types.DiskInterface.VIRTIO,
      active: true,
    });
  },
  check: async ({ connection, stdout, stderr }) => {
    await Deno.remove(ovfDir, { recursive: true });
    const vmsService = connection.systemService().vmsService();
    const dataVm = await vmNamed(connection, "vm004");
    const agentVm = await vmNamed(connection, "vm005");
    assert.match(stdout, /^Attached disk vm004_disk1 to VM vm005 as /m);
    assert.match(stderr, /already attached/);
    const snapshots = await vmsService.vmService(dataVm.id!).snapshotsService().list();
    assert.deepEqual(snapshots.map((snapshot) => snapshot.snapshotType), ["active"]);
    const attached = await vmsService.vmService(agentVm.id!).diskAttachmentsService().list();
    assert.deepEqual(
      attached.map((attachment) => attachment.id).sort(),
      [
        (await diskNamed(connection, "vm005_disk1")).id,
        secondDisk,
      ].sort(),
    );
    const events = await connection.systemService().eventsService().list();
    const ours = events.filter((event) => event.origin === "mybackup");
    assert.deepEqual(ours.map((event) => event.description?.match(/is (\w+)\.$/)?.[1]), [
      "starting",
    ]);
  },
}, "example vm_backup removes its snapshot and detaches the disks when a step fails");

// OVA files

/** A tar archive (an OVA) of `files`, in order. */
function tarArchive(files: [string, Uint8Array][]): Uint8Array {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const [name, data] of files) {
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(encoder.encode(text), at);
    put(name, 0);
    put("0000644\0", 100);
    put(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    put(`${"0".repeat(11)}\0`, 136);
    put(" ".repeat(8), 148);
    put("0", 156);
    put("ustar\u000000", 257);
    put(`${header.reduce((sum, byte) => sum + byte, 0).toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const archive = new Uint8Array(blocks.reduce((sum, block) => sum + block.length, 0));
  blocks.reduce((at, block) => (archive.set(block, at), at + block.length), 0);
  return archive;
}

const ovaDisks = [
  { id: crypto.randomUUID(), bytes: randomBytes(MIB + 1000, 41), sparse: true },
  { id: crypto.randomUUID(), bytes: randomBytes(2 * MIB + 3, 43), sparse: false },
];

/** Writes an OVA of VM `ovavm` with `disks` (those of `ovaDisks`); returns its path. */
async function ovaFile(
  ovaImages: { id: string; bytes: Uint8Array; sparse: boolean }[] = ovaDisks,
): Promise<string> {
  const disks = ovaImages.map((disk, i) =>
    `<Disk ovf:diskId="${disk.id}" ovf:fileRef="file${i + 1}" ovf:disk-alias="ovavm_Disk${
      i + 1
    }" ` +
    `ovf:volume-type="${disk.sparse ? "Sparse" : "Preallocated"}"/>`
  );
  const ovf = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/">',
    `<References>${
      ovaImages.map((_, i) => `<File ovf:href="images/disk${i + 1}.img" ovf:id="file${i + 1}"/>`)
        .join("")
    }</References>`,
    `<DiskSection><Info>Virtual disks</Info>${disks.join("")}</DiskSection>`,
    '<VirtualSystem ovf:id="vm"><Info>A VM</Info><Name>ovavm</Name></VirtualSystem>',
    "</ovf:Envelope>",
  ].join("\n");
  const path = await Deno.makeTempFile({ prefix: "ovirt-sdk-", suffix: ".ova" });
  await Deno.writeFile(
    path,
    tarArchive([
      ["vm.ovf", new TextEncoder().encode(ovf)],
      ...ovaImages.map((disk, i): [string, Uint8Array] => [`images/disk${i + 1}.img`, disk.bytes]),
    ]),
  );
  return path;
}

let ovaPath = "";
exampleTest("upload_from_ova", {
  args: async () => ["--ova", ovaPath = await ovaFile(), "--disk-name", "images/disk2.img"],
  check: async ({ connection, stdout }) => {
    await Deno.remove(ovaPath);
    const disk = await diskNamed(connection, "disk2");
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.format, types.DiskFormat.RAW);
    assert.equal(disk.provisionedSize, ovaDisks[1].bytes.length);
    assertBytes(await bytesOf(connection, disk.id!), ovaDisks[1].bytes);
    assert.match(stdout, /^Uploading 100% /m);
  },
});

// A qcow2 image makes a sparse disk: the engine refuses a preallocated qcow2 disk.
const qcowDisk = { id: crypto.randomUUID(), bytes: qcow2(), sparse: false };
exampleTest("upload_from_ova", {
  args: async () => ["--ova", ovaPath = await ovaFile([qcowDisk])],
  check: async ({ connection }) => {
    await Deno.remove(ovaPath);
    const disk = await diskNamed(connection, "disk1");
    assert.deepEqual([disk.format, disk.sparse, disk.status], ["cow", true, "ok"]);
  },
}, "example upload_from_ova makes a qcow2 image's disk sparse");

exampleTest("upload_from_ova", {
  prepare: async (connection) => void await blockDomain(connection, "blk"),
  args: async () => ["--ova", ovaPath = await ovaFile(), "--storage-domain", "blk", "--sparse"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    await Deno.remove(ovaPath);
    const disks = await connection.systemService().disksService().list({ search: "name=disk1" });
    assert.deepEqual(disks, []);
    assert.match(stderr, /the engine refuses a sparse raw disk on block storage domain blk/);
  },
}, "example upload_from_ova refuses --sparse for a raw image on block storage");

exampleTest("upload_from_ova", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => ["--ova", ovaPath = await ovaFile()],
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    await Deno.remove(ovaPath);
    const disks = await connection.systemService().disksService().list({ search: "name=disk1" });
    assert.deepEqual(disks, []);
    await assertTransfersEnded(connection);
    assert.match(stderr, /Interrupted by Ctrl-C/);
    assert.match(stderr, /Removed disk disk1 \(\S+\) again/);
  },
}, "example upload_from_ova cancels its transfer and removes its disk on Ctrl-C");

// A second Ctrl-C exits at once: it names the disk and the transfer made, with their ids.
exampleTest("upload_from_ova", {
  ...interruptedTwice(),
  args: async () => ["--ova", ovaPath = await ovaFile()],
  check: async ({ connection, simulator, stderr }) => {
    simulator.setFaults({ latency: undefined });
    await Deno.remove(ovaPath);
    const disk = await diskNamed(connection, "disk1");
    const transfer = await transferOf(connection, disk);
    assertLeft(stderr, `disk disk1 (${disk.id}), image transfer ${transfer.id} of disk disk1`);
  },
}, "example upload_from_ova names the disk and the transfer it leaves on a second Ctrl-C");

/** Checks that the OVA's disks were uploaded with their ids and attached to `collection`. */
async function checkOvaDisks(connection: Connection, attached: types.DiskAttachment[]) {
  assert.deepEqual(attached.map((attachment) => attachment.id), ovaDisks.map((disk) => disk.id));
  for (const expected of ovaDisks) {
    const disk = await connection.systemService().disksService().diskService(expected.id).get();
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.sparse, expected.sparse);
    assertBytes(await bytesOf(connection, expected.id), expected.bytes);
  }
}

exampleTest("upload_ova_as_vm_or_template", {
  args: async () => ["--ova", ovaPath = await ovaFile(), "--cluster", "Production"],
  check: async ({ connection, stdout }) => {
    await Deno.remove(ovaPath);
    const vm = await vmNamed(connection, "ovavm");
    assert.equal(vm.status, types.VmStatus.DOWN);
    const cluster = await connection.followLink(vm.cluster!) as types.Cluster;
    assert.equal(cluster.name, "Production");
    const vmService = connection.systemService().vmsService().vmService(vm.id!);
    await checkOvaDisks(connection, await vmService.diskAttachmentsService().list());
    assert.match(stdout, /^VM ovavm \(\S+\) is ready$/m);
  },
});

exampleTest("upload_ova_as_vm_or_template", {
  args: async () => ["--ova", ovaPath = await ovaFile(), "--template"],
  check: async ({ connection, stdout }) => {
    await Deno.remove(ovaPath);
    const [template] = await connection.systemService().templatesService().list({
      search: "name=ovavm",
    });
    assert.equal(template?.status, types.TemplateStatus.OK);
    const templateService = connection.systemService().templatesService()
      .templateService(template.id!);
    await checkOvaDisks(connection, await templateService.diskAttachmentsService().list());
    assert.deepEqual(
      await connection.systemService().vmsService().list({ search: "name=ovavm" }),
      [],
    );
    assert.match(stdout, /^Template ovavm \(\S+\) is ready$/m);
  },
});

// The VM cannot be added (no such cluster): the disks uploaded for it are removed again.
exampleTest("upload_ova_as_vm_or_template", {
  args: async () => ["--ova", ovaPath = await ovaFile(), "--cluster", "Nowhere"],
  exitCode: 1,
  check: async ({ connection, stdout, stderr }) => {
    await Deno.remove(ovaPath);
    assert.match(stdout, /^Uploaded /m);
    assert.match(stderr, /^Removed disk /m);
    const disks = await connection.systemService().disksService().list();
    const left = disks.filter((disk) => disk.description?.startsWith("Uploaded from"));
    assert.deepEqual(left.map((disk) => disk.name), []);
    assert.deepEqual(
      await connection.systemService().vmsService().list({ search: "name=ovavm" }),
      [],
    );
  },
}, "example upload_ova_as_vm_or_template removes its disks when the VM cannot be added");

// The OVF says preallocated, but the image is qcow2: the disk is made sparse (the engine
// refuses a preallocated qcow2 disk).
exampleTest("upload_ova_as_vm_or_template", {
  args: async () => ["--ova", ovaPath = await ovaFile([qcowDisk])],
  check: async ({ connection }) => {
    await Deno.remove(ovaPath);
    const disk = await connection.systemService().disksService().diskService(qcowDisk.id).get();
    assert.deepEqual([disk.format, disk.sparse, disk.status], ["cow", true, "ok"]);
    assert.equal((await vmNamed(connection, "ovavm")).status, types.VmStatus.DOWN);
  },
}, "example upload_ova_as_vm_or_template makes a qcow2 image's disk sparse");

exampleTest("upload_ova_as_vm_or_template", {
  simulator: { delay: CTRL_C_STEP },
  args: async () => ["--ova", ovaPath = await ovaFile()],
  interruptWhen: transferUnderWay,
  exitCode: 130,
  check: async ({ connection, stderr }) => {
    await Deno.remove(ovaPath);
    const disks = await connection.systemService().disksService().list();
    const left = disks.filter((disk) => disk.description?.startsWith("Uploaded from"));
    assert.deepEqual(left.map((disk) => disk.name), []);
    await assertTransfersEnded(connection);
    assert.match(stderr, /Interrupted by Ctrl-C/);
    assert.match(stderr, /^Removed disk ovavm_Disk1 /m);
  },
}, "example upload_ova_as_vm_or_template removes its disks on Ctrl-C");

// A second Ctrl-C exits at once: it names the disk and the transfer made, with their ids.
exampleTest(
  "upload_ova_as_vm_or_template",
  {
    ...interruptedTwice(),
    args: async () => ["--ova", ovaPath = await ovaFile()],
    check: async ({ connection, simulator, stderr }) => {
      simulator.setFaults({ latency: undefined });
      await Deno.remove(ovaPath);
      const disk = await diskNamed(connection, "ovavm_Disk1");
      const transfer = await transferOf(connection, disk);
      assertLeft(
        stderr,
        `disk ovavm_Disk1 (${disk.id}), image transfer ${transfer.id} of disk ovavm_Disk1`,
      );
    },
  },
  "example upload_ova_as_vm_or_template names the disk and the transfer it leaves on a second Ctrl-C",
);

// Storage domains

exampleTest("list_storage_domains", {
  check: async ({ connection, stdout }) => {
    const domains = await connection.systemService().storageDomainsService().list();
    assert.ok(domains.length >= 2);
    for (const domain of domains) {
      assert.ok(stdout.includes(`${domain.name}: ${domain.type}, `), domain.name);
    }
    assert.match(stdout, /^data: data, nfs, 500 GiB free, 20 GiB used$/m);
  },
});

/** Checks that NFS domain `name` of `type` was created, unattached. */
async function checkNewNfsDomain(connection: Connection, name: string, type: string) {
  const domain = await domainNamed(connection, name);
  assert.equal(domain.type, type);
  assert.equal(domain.status, types.StorageDomainStatus.UNATTACHED);
  assert.equal(domain.storage?.type, types.StorageType.NFS);
  assert.equal(domain.storage?.address, "nfs.example.com");
  assert.equal(domain.storage?.path, `/exports/${name}`);
}

/** Checks that domain `name` is attached to data center `Default` and active there. */
async function checkAttachedDomain(connection: Connection, name: string) {
  const domain = await domainNamed(connection, name);
  const attached = (await attachedDomains(connection)).find((item) => item.id === domain.id);
  assert.equal(attached?.status, types.StorageDomainStatus.ACTIVE);
  const domainService = connection.systemService().storageDomainsService()
    .storageDomainService(domain.id!);
  assert.equal(await domainService.isAttached({ host: { name: "host1" } }), true);
}

exampleTest("add_nfs_data_storage_domain", {
  args: ["--name", "newdata", "--path", "/exports/newdata"],
  check: ({ connection }) => checkNewNfsDomain(connection, "newdata", "data"),
});

exampleTest("add_nfs_iso_storage_domain", {
  args: ["--name", "newiso", "--path", "/exports/newiso"],
  check: ({ connection }) => checkNewNfsDomain(connection, "newiso", "iso"),
});

exampleTest("attach_nfs_data_storage_domain", {
  prepare: async (connection) => void await addNfsDomain(connection, "mydata", "data"),
  check: ({ connection }) => checkAttachedDomain(connection, "mydata"),
});

exampleTest("attach_nfs_iso_storage_domain", {
  prepare: async (connection) => void await addNfsDomain(connection, "myiso", "iso"),
  check: ({ connection }) => checkAttachedDomain(connection, "myiso"),
});

exampleTest("add_iscsi_data_storage_domain", {
  args: ["--name", "san", "--lun-id", "3600a0b80002"],
  check: async ({ connection }) => {
    const domain = await domainNamed(connection, "san");
    assert.equal(domain.type, types.StorageDomainType.DATA);
    assert.equal(domain.discardAfterDelete, true);
    assert.equal(domain.storage?.type, types.StorageType.ISCSI);
    const [unit] = domain.storage?.volumeGroup?.logicalUnits ?? [];
    assert.equal(unit?.id, "3600a0b80002");
    assert.equal(unit?.target, "iqn.2024-01.org.example:storage.target1");
    const attached = (await attachedDomains(connection)).find((item) => item.id === domain.id);
    assert.equal(attached?.status, types.StorageDomainStatus.ACTIVE);
  },
});

/** Adds NFS data domain `name` and attaches it to data center `Default`; waits until active. */
async function attachedDataDomain(connection: Connection, name: string): Promise<void> {
  const domain = await addNfsDomain(connection, name, types.StorageDomainType.DATA);
  const dataCenters = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  const attached = dataCenters.dataCenterService(dataCenter.id!).storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", POLL);
}

exampleTest("change_master", {
  prepare: (connection) => attachedDataDomain(connection, "mydata"),
  check: async ({ connection, stdout }) => {
    const domains = await attachedDomains(connection);
    const roles = Object.fromEntries(domains.map((domain) => [domain.name, domain.master]));
    assert.deepEqual(roles, { data: false, iso: false, mydata: true });
    assert.ok(domains.every((domain) => domain.status === types.StorageDomainStatus.ACTIVE));
    assert.equal((await domainNamed(connection, "mydata")).master, true);
    assert.equal((await domainNamed(connection, "data")).master, false);
    assert.match(stdout, /from data to mydata/);
  },
});

// Glance

exampleTest("list_glance_images", {
  check: async ({ connection, stdout }) => {
    const glance = await domainNamed(connection, "ovirt-image-repository");
    const images = await connection.systemService().storageDomainsService()
      .storageDomainService(glance.id!).imagesService().list();
    assert.ok(images.length >= 2);
    for (const image of images) {
      assert.ok(
        stdout.includes(`${image.name}: disk, ${Number(image.size!) / MIB} MiB\n`),
        image.name,
      );
    }
  },
});

exampleTest("import_glance_image", {
  args: ["--name", "cirros", "--cluster", "Production"],
  check: async ({ connection }) => {
    const [template] = await connection.systemService().templatesService().list({
      search: "name=cirros",
    });
    assert.equal(template?.status, types.TemplateStatus.OK);
    const cluster = await connection.followLink(template.cluster!) as types.Cluster;
    assert.equal(cluster.name, "Production");
    const [attachment] = await connection.systemService().templatesService()
      .templateService(template.id!).diskAttachmentsService().list();
    const disk = await connection.systemService().disksService().diskService(attachment.disk!.id!)
      .get();
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.provisionedSize, 112 * MIB);
    assert.equal(disk.storageDomains?.[0]?.id, (await domainNamed(connection, "data")).id);
  },
});

/** Makes an older template named `name` from VM vm003, and resolves to its id. */
async function olderTemplate(connection: Connection, name: string): Promise<string> {
  const templatesService = connection.systemService().templatesService();
  const template = await templatesService.add({
    name,
    vm: { id: (await vmNamed(connection, "vm003")).id },
  });
  await waitForStatus(templatesService.templateService(template.id!), types.TemplateStatus.OK);
  return template.id!;
}

// A template of the same name already there: the example waits for and reports its own.
let olderCirros = "";
exampleTest("import_glance_image", {
  args: ["--name", "cirros", "--cluster", "Production"],
  prepare: async (connection) => void (olderCirros = await olderTemplate(connection, "cirros")),
  check: async ({ connection, stdout }) => {
    const templates = await connection.systemService().templatesService().list({
      search: "name=cirros",
    });
    const imported = templates.find((template) => template.id !== olderCirros);
    assert.ok(imported, "a new template");
    assert.equal(templates.length, 2);
    assert.match(stdout, new RegExp(`Template cirros \\(${imported.id}\\) is ready`));
    assert.equal(imported.status, types.TemplateStatus.OK);
  },
}, "example import_glance_image reports the template it imported, not an older one of that name");

exampleTest("import_glance_image", {
  // `name=cirros 2` would be the template `cirros` and the free-text word `2`.
  args: ["--name", "cirros 2", "--cluster", "Production"],
  prepare: async (connection) => {
    const id = await olderTemplate(connection, "cirros");
    await connection.systemService().templatesService().templateService(id).update({
      description: "2",
    });
  },
  check: async ({ connection, stdout }) => {
    const templatesService = connection.systemService().templatesService();
    const template = await findByName(templatesService, "cirros 2");
    assert.equal(template?.status, types.TemplateStatus.OK);
    assert.match(stdout, new RegExp(`Template cirros 2 \\(${template.id}\\) is ready`));
  },
}, "example import_glance_image: waits for the template of that name");

// Providers

exampleTest("add_openstack_image_provider", {
  args: ["--name", "glance2", "--provider-url", "http://glance2.example.com:9292"],
  check: async ({ connection }) => {
    const providers = await connection.systemService().openstackImageProvidersService().list();
    const provider = providers.find((item) => item.name === "glance2");
    assert.equal(provider?.url, "http://glance2.example.com:9292");
    assert.equal(provider?.requiresAuthentication, true);
    assert.equal(provider?.username, "admin");
    assert.equal(provider?.tenantName, "admin");
  },
});

// Simulator behaviours the examples rely on

/** Runs `test` with a connection to a fresh simulator (plain HTTP, no lifecycle delay). */
function simulatorTest(name: string, test: (connection: Connection) => Promise<void>): void {
  Deno.test(`simulator: ${name}`, async () => {
    await using simulator = await startSimulator({ delay: 0 });
    await using connection = new Connection({
      url: simulator.url,
      username: simulator.username,
      password: simulator.password,
    });
    await test(connection);
  });
}

simulatorTest(
  "a direct LUN disk has no image, storage domain or status (the engine shows none)",
  async (c) => {
    const disk = await c.systemService().disksService().add({
      name: "lun",
      lunStorage: { type: types.StorageType.FCP, logicalUnits: [{ id: "3600a0b80003" }] },
    });
    assert.equal(disk.status, undefined);
    assert.equal(disk.storageType, types.DiskStorageType.LUN);
    assert.deepEqual(disk.storageDomains ?? [], []);
    await assert.rejects(
      c.systemService().disksService().add({ name: "nothing" }),
      (error: OvirtError) => error.code === 400,
    );
  },
);

simulatorTest("reduce and sparsify refuse a disk of a running VM", async (c) => {
  // Disks each action takes when their VM is down: raw sparse (sparsify), on block storage
  // (reduce), plugged into vm001, which runs.
  await blockDomain(c, "blk");
  const disksService = c.systemService().disksService();
  const [vm] = await c.systemService().vmsService().list({ search: "name=vm001" });
  const attachments = c.systemService().vmsService().vmService(vm.id!).diskAttachmentsService();
  const plugged = async (format: types.DiskFormat, sparse: boolean, domain: string) => {
    const disk = await disksService.add({
      name: `${domain}-disk`,
      format,
      sparse,
      provisionedSize: MIB,
      storageDomains: [{ name: domain }],
    });
    const diskService = disksService.diskService(disk.id!);
    await waitForStatus(diskService, types.DiskStatus.OK, POLL);
    await attachments.add({
      disk: { id: disk.id },
      interface: types.DiskInterface.VIRTIO,
      active: true,
    });
    return diskService;
  };
  const sparse = await plugged(types.DiskFormat.RAW, true, "data");
  const onBlock = await plugged(types.DiskFormat.COW, true, "blk");
  for (const action of [() => sparse.sparsify(), () => onBlock.reduce()]) {
    await assert.rejects(
      action(),
      (error: OvirtError) =>
        error.code === 409 && /attached to running VM vm001/.test(error.message),
    );
  }
});

simulatorTest("the image server computes checksums over the whole disk", async (c) => {
  const bytes = new Uint8Array(10 * MIB);
  bytes.set(randomBytes(MIB, 23), 5 * MIB);
  const disk = await diskWith(c, "summed", bytes);
  const transfers = c.systemService().imageTransfersService();
  const transfer = await transfers.add({ disk: { id: disk.id }, direction: "download" });
  const transferService = transfers.imageTransferService(transfer.id!);
  const ready = await waitFor(
    () => transferService.get(),
    (item) => item.phase === "transferring",
    POLL,
  );
  const ask = async (query: string) => {
    const response = await c.transferRequest({
      method: "GET",
      url: `${ready.transferUrl}/checksum${query}`,
    });
    return { status: response.status, body: await new Response(response.body).text() };
  };
  const answer = await ask("?algorithm=sha256");
  assert.equal(answer.status, 200);
  assert.equal(JSON.parse(answer.body).checksum, blockChecksum(bytes));
  assert.equal((await ask("")).status, 400, "no blake2b in the simulator");
  assert.equal((await ask("?algorithm=sha256&block_size=1000")).status, 400);
  const algorithms = await ask("/algorithms");
  assert.ok(JSON.parse(algorithms.body).algorithms.includes("sha256"));
  await transferService.finalize();
});

simulatorTest("setmaster moves the master role to an active data domain only", async (c) => {
  await attachedDataDomain(c, "second");
  const dataCenters = c.systemService().dataCentersService();
  const [dataCenter] = await dataCenters.list({ search: "name=Default" });
  const dataCenterService = dataCenters.dataCenterService(dataCenter.id!);
  const refused = (error: OvirtError) => error.code === 409;
  await assert.rejects(dataCenterService.setMaster({ storageDomain: { name: "iso" } }), refused);
  await dataCenterService.setMaster({ storageDomain: { name: "second" } });
  const after = await dataCenterService.storageDomainsService().list();
  assert.deepEqual(after.map((domain) => [domain.name, domain.status, domain.master]), [
    ["data", "active", false],
    ["iso", "active", false],
    ["second", "active", true],
  ]);
});

simulatorTest("backups list their disks; checkpoints go oldest first", async (c) => {
  const [vm] = await c.systemService().vmsService().list({ search: "name=vm002" });
  const vmService = c.systemService().vmsService().vmService(vm.id!);
  const full = await backUp(c, vm.id!);
  const incremental = await backUp(c, vm.id!, full.toCheckpointId);
  const backupsService = vmService.backupsService();
  const modes = async (id: string) =>
    (await backupsService.backupService(id).disksService().list()).map((
      disk,
    ) => [disk.name, disk.backupMode]);
  assert.deepEqual(await modes(full.id!), [["vm002_disk1", "full"]]);
  assert.deepEqual(await modes(incremental.id!), [["vm002_disk1", "incremental"]]);
  const checkpoints = vmService.checkpointsService();
  const disks = await checkpoints.checkpointService(full.toCheckpointId!).disksService().list();
  assert.deepEqual(disks.map((disk) => disk.name), ["vm002_disk1"]);
  await assert.rejects(
    backupsService.add({ fromCheckpointId: "no-such-checkpoint" }),
    (error: OvirtError) => error.code === 400 && /doesn't exist/.test(error.message),
  );
  await assert.rejects(
    checkpoints.checkpointService(incremental.toCheckpointId!).remove(),
    (error: OvirtError) => error.code === 409,
  );
  await checkpoints.checkpointService(full.toCheckpointId!).remove();
  await checkpoints.checkpointService(incremental.toCheckpointId!).remove();
  assert.deepEqual(await checkpoints.list(), []);
});

simulatorTest("an added event keeps its origin, custom id and VM", async (c) => {
  const [vm] = await c.systemService().vmsService().list({ search: "name=vm002" });
  const added = await c.systemService().eventsService().add({
    vm: { id: vm.id },
    origin: "myapp",
    severity: types.LogSeverity.WARNING,
    customId: 42,
    description: "Hello",
  });
  const listed = await c.systemService().eventsService().list();
  for (const event of [added, listed.find((item) => item.id === added.id)!]) {
    assert.deepEqual(
      [event.origin, event.customId, event.severity, event.vm?.id, event.description],
      ["myapp", 42, "warning", vm.id, "Hello"],
    );
  }
});

simulatorTest("VM snapshots freeze disk layers; removing one merges them", async (c) => {
  const snapshotService = await snapshotVm(c, "vm002", "frozen");
  const [disk] = await c.systemService().disksService().list({ search: "name=vm002_disk1" });
  const [domain] = await c.systemService().storageDomainsService().list({ search: "name=data" });
  const onDomain = c.systemService().storageDomainsService().storageDomainService(domain.id!)
    .diskSnapshotsService();
  const layers = (await onDomain.list()).filter((layer) => layer.disk?.id === disk.id);
  assert.equal(layers.length, 1);
  assert.notEqual(layers[0].id, disk.imageId, "the disk writes to a new layer");
  const withActive = await onDomain.list({ includeActive: true });
  assert.ok(withActive.some((layer) => layer.id === disk.imageId));
  assert.equal((await onDomain.snapshotService(layers[0].id!).get()).disk?.id, disk.id);
  const transfers = c.systemService().imageTransfersService();
  await assert.rejects(
    transfers.add({ snapshot: { id: layers[0].id }, direction: "upload" }),
    (error: OvirtError) => error.code === 409,
  );
  await snapshotService.remove();
  assert.deepEqual((await onDomain.list()).filter((layer) => layer.disk?.id === disk.id), []);
});

simulatorTest("Glance images import as a disk, or as a template", async (c) => {
  const [glance] = await c.systemService().storageDomainsService().list({
    search: "name=ovirt-image-repository",
  });
  assert.equal(glance.type, types.StorageDomainType.IMAGE);
  const imagesService = c.systemService().storageDomainsService().storageDomainService(glance.id!)
    .imagesService();
  const [image] = await imagesService.list();
  const imageService = imagesService.imageService(image.id!);
  await imageService.import({ storageDomain: { name: "data" }, disk: { name: "from-glance" } });
  const [disk] = await c.systemService().disksService().list({ search: "name=from-glance" });
  assert.equal(disk.provisionedSize, image.size);
  const refused = (error: OvirtError) => error.code === 400;
  await assert.rejects(imageService.import({ disk: { name: "nowhere" } }), refused);
  await assert.rejects(
    imageService.import({ storageDomain: { name: "data" }, importAsTemplate: true }),
    refused,
  );
  const providers = await c.systemService().openstackImageProvidersService().list();
  assert.ok(providers.some((provider) => provider.name === "ovirt-image-repository"));
});

simulatorTest("disks keep the id they are given; OVF configurations need a name", async (c) => {
  const id = crypto.randomUUID();
  const disksService = c.systemService().disksService();
  const disk = await disksService.add({
    id,
    format: types.DiskFormat.RAW,
    provisionedSize: MIB,
    storageDomains: [{ name: "data" }],
  });
  assert.equal(disk.id, id);
  await assert.rejects(
    disksService.add({ id, format: types.DiskFormat.RAW, provisionedSize: MIB }),
    (error: OvirtError) => error.code === 409,
  );
  const ovf = `<ovf:Envelope><DiskSection><Disk ovf:diskId="${id}"/></DiskSection></ovf:Envelope>`;
  const initialization = { configuration: { type: types.ConfigurationType.OVA, data: ovf } };
  await assert.rejects(
    c.systemService().vmsService().add({ cluster: { name: "Default" }, initialization }),
    (error: OvirtError) => error.code === 400,
  );
});

// The transfer helpers at scale

/**
 * The client side of the 64 MiB round trip, run as its own process (`deno run
 * --v8-flags=--expose-gc` of this file, with the simulator's URL, user and password) so
 * that collecting garbage before each memory sample measures what the helpers keep, not
 * what the simulator or the test runner holds. Prints a JSON report.
 */
async function roundTripClient(url: string, username: string, password: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  await using connection = new Connection({ url, username, password });
  const size = 64 * MIB;
  const disksService = connection.systemService().disksService();
  const disk = await disksService.add({
    name: "big",
    format: types.DiskFormat.RAW,
    provisionedSize: size,
    storageDomains: [{ name: "data" }],
  });
  await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK, POLL);
  gc();
  const baseline = Deno.memoryUsage().rss;
  let peak = baseline;
  const sample = (transferred: number) => {
    if (transferred % (4 * MIB) !== 0) return;
    gc();
    peak = Math.max(peak, Deno.memoryUsage().rss);
  };
  const sent = createHash("sha256");
  let pieces = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pieces === size / MIB) return controller.close();
      const piece = randomBytes(MIB, ++pieces);
      sent.update(piece);
      controller.enqueue(piece);
    },
  }, { highWaterMark: 0 });
  const uploaded: number[] = [];
  await uploadDisk(connection, disk.id!, source, size, {
    chunkSize: MIB,
    pollInterval: 10,
    onProgress: ({ transferred }) => (uploaded.push(transferred), sample(transferred)),
  });
  const received = createHash("sha256");
  const downloaded: number[] = [];
  const written = await downloadDisk(
    connection,
    disk.id!,
    new WritableStream({ write: (piece) => void received.update(piece) }),
    {
      chunkSize: MIB,
      pollInterval: 10,
      onProgress: ({ transferred }) => (downloaded.push(transferred), sample(transferred)),
    },
  );
  console.log(JSON.stringify({
    size,
    written,
    sent: sent.digest("hex"),
    received: received.digest("hex"),
    uploaded,
    downloaded,
    growth: peak - baseline,
  }));
}

if (import.meta.main) await roundTripClient(Deno.args[0], Deno.args[1], Deno.args[2]);

Deno.test("transfer helpers: 64 MiB round trip, streamed, with progress", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const client = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      simulator.url,
      simulator.username,
      simulator.password,
    ],
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(120_000),
  }).output();
  assert.ok(client.success, "the client failed");
  const report = JSON.parse(new TextDecoder().decode(client.stdout));
  assert.equal(report.written, report.size);
  assert.equal(report.received, report.sent);
  assert.deepEqual(report.uploaded, Array.from({ length: 64 }, (_, i) => (i + 1) * MIB));
  assert.equal(report.downloaded.at(-1), report.size);
  assert.ok(report.downloaded.length >= 64);
  const growth = report.growth / MIB;
  assert.ok(growth < 48, `RSS grew by ${growth.toFixed(1)} MiB`);
});

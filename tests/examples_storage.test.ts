/**
 * The storage, disk, backup and image transfer examples, each run against a fresh
 * simulator with its effect checked through the SDK; plus the simulator behaviours they
 * rely on, and a 64 MiB upload/download round trip through the transfer helpers.
 */

import assert from "node:assert/strict";
import { Connection, type OvirtError, types } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { exampleTest } from "./example_harness.ts";

const GIB = 1024 ** 3;

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

exampleTest("delete_disks", {
  prepare: async (connection) => {
    const disksService = connection.systemService().disksService();
    for (const name of ["disk-0", "disk-1", "disk-2", "keep-me"]) {
      await disksService.add({ name, provisionedSize: GIB, storageDomains: [{ name: "data" }] });
    }
  },
  check: async ({ connection }) => {
    const disksService = connection.systemService().disksService();
    assert.deepEqual(await disksService.list({ search: "name=disk-*" }), []);
    await diskNamed(connection, "keep-me");
    await diskNamed(connection, "vm001_disk1");
  },
});

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

for (const kind of ["data", "iso"] as const) {
  exampleTest(`add_nfs_${kind}_storage_domain`, {
    args: ["--name", `new${kind}`, "--path", `/exports/new${kind}`],
    check: async ({ connection }) => {
      const domain = await domainNamed(connection, `new${kind}`);
      assert.equal(domain.type, kind);
      assert.equal(domain.status, types.StorageDomainStatus.UNATTACHED);
      assert.equal(domain.storage?.type, types.StorageType.NFS);
      assert.equal(domain.storage?.address, "nfs.example.com");
      assert.equal(domain.storage?.path, `/exports/new${kind}`);
    },
  });

  exampleTest(`attach_nfs_${kind}_storage_domain`, {
    prepare: async (connection) => void await addNfsDomain(connection, `my${kind}`, kind),
    check: async ({ connection }) => {
      const domain = await domainNamed(connection, `my${kind}`);
      const attached = (await attachedDomains(connection)).find((item) => item.id === domain.id);
      assert.equal(attached?.status, types.StorageDomainStatus.ACTIVE);
      const domainService = connection.systemService().storageDomainsService()
        .storageDomainService(domain.id!);
      assert.equal(await domainService.isAttached(), true);
    },
  });
}

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
  "a direct LUN disk has no image or storage domain and is ready at once",
  async (c) => {
    const disk = await c.systemService().disksService().add({
      name: "lun",
      lunStorage: { type: types.StorageType.FCP, logicalUnits: [{ id: "3600a0b80003" }] },
    });
    assert.equal(disk.status, types.DiskStatus.OK);
    assert.equal(disk.storageType, types.DiskStorageType.LUN);
    assert.deepEqual(disk.storageDomains ?? [], []);
    await assert.rejects(
      c.systemService().disksService().add({ name: "nothing" }),
      (error: OvirtError) => error.code === 400,
    );
  },
);

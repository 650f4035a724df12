/**
 * The simulator refuses the host, cluster, data center, storage domain and disk names the
 * engine refuses, with the engine's words (the broken rule's message and the attribute it
 * checked), on add and on update, and takes the names it takes; `uploadImage` and `ovirt disk
 * upload` name a new disk after its file with an alias the engine takes.
 */

import assert from "node:assert/strict";
import { type Connection, types, uploadImage } from "../mod.ts";
import { diskNameFor } from "../helpers/image_upload.ts";
import { cliBench, ovirt } from "./cli_harness.ts";
import { rejectsWith, simulatorSession } from "./sim_session.ts";

const HOST_NAME =
  /^\[Host name must be formed of alphanumeric characters, numbers or "-_\.", Attribute: vdsStatic\.name\]$/;
const CLUSTER_NAME =
  /^\[Cluster names may only contain letters, numbers, '-', or '_'\., Attribute: cluster\.name\]$/;
const CLUSTER_SIZE = /^\[Cluster name must not exceed 40 characters, Attribute: cluster\.name\]$/;
const DATA_CENTER_NAME =
  /^\[Data Center name may only contain letters, numbers, '-', or '_'\., Attribute: privateStoragePool\.name\]$/;
const DOMAIN_NAME =
  /^\[Storage Domain name must be formed of 'a-z', 'A-Z', '0-9', '_' or '-' characters, Attribute: privateStorageDomain\.name\]$/;
const DISK_ALIAS =
  /^\[Disk alias name must be formed of alpha-numeric characters or "-_\.", Attribute: diskInfo\.diskAlias\]$/;
const DISK_ALIAS_SIZE = /^\[size must be between 0 and 255, Attribute: diskInfo\.diskAlias\]$/;

async function idOf(
  list: Promise<{ id?: string }[]>,
  what: string,
): Promise<string> {
  const [found] = await list;
  assert.ok(found?.id, `no ${what}`);
  return found.id;
}

Deno.test("simulator: host names are the engine's, on add and update", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const hosts = session.connection.systemService().hostsService();
  const host = (name: string) => ({
    name,
    address: "192.0.2.77",
    cluster: { name: "Default" },
    rootPassword: "secret",
  });
  for (const name of ["host 1", "höst1", "db/1"]) {
    await rejectsWith(hosts.add(host(name)), 400, HOST_NAME);
  }
  await rejectsWith(
    hosts.add(host("h".repeat(256))),
    400,
    /^\[Cannot add Host\. The given name is too long\.\]$/,
  );
  assert.deepEqual(await hosts.list({ search: "address=192.0.2.77" }), []);
  const added = await hosts.add(host("host-2.lab_a"));
  assert.equal(added.name, "host-2.lab_a");
  const host1 = hosts.hostService(await idOf(hosts.list({ search: "name=host1" }), "host1"));
  await rejectsWith(host1.update({ name: "host 1" }), 400, HOST_NAME);
  await rejectsWith(
    host1.update({ name: "h".repeat(256) }),
    400,
    /^\[Cannot edit Host\. The given name is too long\.\]$/,
  );
  assert.equal((await host1.update({ name: "host1.lab" })).name, "host1.lab");
});

Deno.test("simulator: cluster names are the engine's, letters of any script included", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const clusters = session.connection.systemService().clustersService();
  const cluster = (name: string) => ({
    name,
    dataCenter: { name: "Default" },
    cpu: { type: "Intel Icelake Server Family" },
  });
  for (const name of ["prod cluster", "a/b", "c+d"]) {
    await rejectsWith(clusters.add(cluster(name)), 400, CLUSTER_NAME);
  }
  await rejectsWith(clusters.add(cluster("c".repeat(41))), 400, CLUSTER_SIZE);
  const added = await clusters.add(cluster("Produktion-Ü.1"));
  assert.equal(added.name, "Produktion-Ü.1");
  assert.equal((await clusters.add(cluster("c".repeat(40)))).name, "c".repeat(40));
  const service = clusters.clusterService(added.id!);
  await rejectsWith(service.update({ name: "prod cluster" }), 400, CLUSTER_NAME);
  await rejectsWith(service.update({ name: "" }), 400, CLUSTER_SIZE);
  assert.equal((await service.update({ name: "生产_1" })).name, "生产_1");
});

Deno.test("simulator: data center names are the engine's: ASCII letters, digits, '_' and '-'", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const dataCenters = session.connection.systemService().dataCentersService();
  for (const name of ["dc 1", "dc.1", "Zürich"]) {
    await rejectsWith(dataCenters.add({ name, local: false }), 400, DATA_CENTER_NAME);
  }
  await rejectsWith(
    dataCenters.add({ name: "d".repeat(41), local: false }),
    400,
    /^\[Cannot create Data Center\. The given name is too long\.\]$/,
  );
  const added = await dataCenters.add({ name: "dc_2-east", local: false });
  assert.equal(added.name, "dc_2-east");
  const service = dataCenters.dataCenterService(added.id!);
  await rejectsWith(service.update({ name: "dc.2" }), 400, DATA_CENTER_NAME);
  await rejectsWith(
    service.update({ name: "d".repeat(41) }),
    400,
    /^\[Cannot edit Data Center\. The given name is too long\.\]$/,
  );
  assert.equal((await service.update({ description: "east" })).name, "dc_2-east");
});

async function addNfsDomain(connection: Connection, name: string): Promise<types.StorageDomain> {
  return await connection.systemService().storageDomainsService().add({
    name,
    type: types.StorageDomainType.DATA,
    host: { name: "host1" },
    storage: { type: types.StorageType.NFS, address: "nfs.example.com", path: "/exports/names" },
  });
}

Deno.test("simulator: storage domain names are the engine's: ASCII letters, digits, '_' and '-'", async () => {
  await using session = await simulatorSession({ delay: 0 });
  const { connection } = session;
  for (const name of ["data.1", "my data", "données"]) {
    await rejectsWith(addNfsDomain(connection, name), 400, DOMAIN_NAME);
  }
  await rejectsWith(
    addNfsDomain(connection, "s".repeat(51)),
    400,
    /^\[Cannot add Storage\. The given name is too long\.\]$/,
  );
  const added = await addNfsDomain(connection, "data_2-nfs");
  assert.equal(added.name, "data_2-nfs");
  const domains = connection.systemService().storageDomainsService();
  const service = domains.storageDomainService(added.id!);
  await rejectsWith(service.update({ name: "data 2" }), 400, DOMAIN_NAME);
  await rejectsWith(
    service.update({ name: "s".repeat(51) }),
    400,
    /^\[Cannot edit Storage\. The given name is too long\.\]$/,
  );
  assert.equal((await service.update({ name: "data_3" })).name, "data_3");
});

Deno.test("simulator: disk aliases are the engine's for a VM's disk and on every update", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const system = session.connection.systemService();
  const vmId = await idOf(system.vmsService().list({ search: "name=vm001" }), "vm001");
  const attachments = system.vmsService().vmService(vmId).diskAttachmentsService();
  const newDisk = (alias: string) => ({
    interface: types.DiskInterface.VIRTIO_SCSI,
    bootable: false,
    disk: {
      alias,
      provisionedSize: 2 ** 30,
      format: types.DiskFormat.COW,
      storageDomains: [{ name: "data" }],
    },
  });
  for (const alias of ["my disk", "a/b"]) {
    await rejectsWith(attachments.add(newDisk(alias)), 400, DISK_ALIAS);
  }
  await rejectsWith(attachments.add(newDisk("d".repeat(256))), 400, DISK_ALIAS_SIZE);
  const added = await attachments.add(newDisk("Übung_disk.1"));
  const disks = system.disksService();
  assert.equal((await disks.diskService(added.id!).get()).alias, "Übung_disk.1");
  await rejectsWith(
    attachments.attachmentService(added.id!).update({ disk: { alias: "my disk" } }),
    400,
    DISK_ALIAS,
  );
  // A disk no VM gets is added without its alias checked, as the engine does; any update
  // of it then validates the disk, alias included.
  const floating = await disks.add({
    alias: "my disk",
    provisionedSize: 2 ** 30,
    format: types.DiskFormat.COW,
    storageDomains: [{ name: "data" }],
  });
  assert.equal(floating.alias, "my disk");
  const service = disks.diskService(floating.id!);
  await rejectsWith(service.update({ description: "scratch" }), 400, DISK_ALIAS);
  assert.equal((await service.update({ alias: "my_disk" })).alias, "my_disk");
});

Deno.test("uploadImage names a disk after its file with an alias the engine takes on update", async () => {
  await using session = await simulatorSession({ delay: 0, vms: 1 });
  const dir = await Deno.makeTempDir({ prefix: "ovirt-sdk-names-" });
  try {
    const path = `${dir}/Fedora 40 (x86_64)+ñ.raw`;
    await Deno.writeFile(path, new Uint8Array(2 ** 20));
    const { disk } = await uploadImage(session.connection, path, {
      storageDomain: "data",
      pollInterval: 5,
    });
    assert.equal(disk.name, "Fedora_40__x86_64__ñ");
    assert.equal(diskNameFor("/images/base.v2.qcow2"), "base.v2");
    // The engine refuses every update of a disk whose alias it does not take.
    const service = session.connection.systemService().disksService().diskService(disk.id!);
    assert.equal((await service.update({ description: "uploaded" })).description, "uploaded");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ovirt disk upload names a new disk after its file as uploadImage does", async () => {
  await using bench = await cliBench();
  const file = `${bench.home.path}/my image (1).raw`;
  await Deno.writeFile(file, new Uint8Array(2 ** 20));
  const run = await ovirt(
    ["disk", "upload", file, "--storage-domain", "data", "--wait-interval", "20ms", "-o", "json"],
    bench.env,
  );
  assert.equal(run.code, 0, run.stderr);
  const disk = JSON.parse(run.stdout);
  assert.equal(disk.name, "my_image__1_");
  const service = bench.connection.systemService().disksService().diskService(disk.id);
  assert.equal((await service.update({ description: "uploaded" })).description, "uploaded");
});

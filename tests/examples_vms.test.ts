import assert from "node:assert/strict";
import {
  Connection,
  findByName,
  NotFoundError,
  type OvirtError,
  type services,
  type types,
  waitFor,
  waitForJobs,
  waitForStatus,
} from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { exampleTest } from "./example_harness.ts";

exampleTest("list_vms", {
  check: async ({ connection, stdout }) => {
    const vms = await connection.systemService().vmsService().list();
    assert.ok(vms.length > 0);
    for (const vm of vms) assert.ok(stdout.includes(`${vm.name}: ${vm.status}`), vm.name);
  },
});

exampleTest("add_vm", {
  args: ["--name", "example-vm"],
  check: async ({ connection }) => {
    const [vm] = await connection.systemService().vmsService().list({ search: "name=example-vm" });
    assert.equal(vm?.status, "down");
    assert.equal(vm?.memory, 2 * 1024 ** 3);
  },
});

const GIB = 1024 ** 3;

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `no VM ${name}`);
  return vm;
}

function vmService(connection: Connection, vm: types.Vm): services.VmService {
  return connection.systemService().vmsService().vmService(vm.id!);
}

/** The ids of the disks attached to a VM or template. */
async function diskIdsOf(
  owner: { diskAttachmentsService(): { list(): Promise<types.DiskAttachment[]> } },
): Promise<string[]> {
  return (await owner.diskAttachmentsService().list()).map((attachment) => attachment.disk!.id!);
}

exampleTest("add_independet_vm", {
  args: ["--name", "independent", "--template", "centos9"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "independent");
    assert.equal(vm.status, "down");
    const templatesService = connection.systemService().templatesService();
    const [template] = await templatesService.list({ search: "name=centos9" });
    assert.equal(vm.template?.id, template.id);
    const vmDisks = await diskIdsOf(vmService(connection, vm));
    const templateDisks = await diskIdsOf(
      templatesService.templateService(template.id!),
    );
    assert.equal(vmDisks.length, 1);
    assert.ok(!templateDisks.includes(vmDisks[0]), "the VM has its own copy of the disk");
  },
});

exampleTest("add_instance_type", {
  // Not "large": the search compares without case, and every engine has "Large".
  args: ["--name", "big", "--memory-gib", "8", "--sockets", "4", "--cores", "2"],
  check: async ({ connection }) => {
    const [instanceType] = await connection.systemService().instanceTypesService().list({
      search: "name=big",
    });
    assert.equal(instanceType?.memory, 8 * GIB);
    assert.equal(instanceType?.cpu?.topology?.sockets, 4);
    assert.equal(instanceType?.cpu?.topology?.cores, 2);
    assert.equal(instanceType?.highAvailability?.enabled, true);
  },
});

exampleTest("add_template", {
  args: ["--vm", "vm003", "--name", "golden"],
  check: async ({ connection }) => {
    const [template] = await connection.systemService().templatesService().list({
      search: "name=golden",
    });
    assert.equal(template?.status, "ok");
    const vm = await vmNamed(connection, "vm003");
    assert.equal(template.memory, vm.memory);
    const disks = await connection.systemService().templatesService()
      .templateService(template.id!).diskAttachmentsService().list();
    assert.equal(disks.length, 1);
  },
});

exampleTest("add_vm_disk", {
  args: ["--vm", "vm003", "--name", "extra", "--size-gib", "5"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const attachments = await vmService(connection, vm).diskAttachmentsService().list({
      follow: "disk",
    });
    const added = attachments.find((attachment) => attachment.disk?.name === "extra");
    assert.ok(added, "the disk is attached");
    assert.equal(added.disk?.provisionedSize, 5 * GIB);
    assert.equal(added.disk?.status, "ok");
    assert.equal(added.interface, "virtio_scsi");
    const [data] = await connection.systemService().storageDomainsService().list({
      search: "name=data",
    });
    assert.equal(added.disk?.storageDomains?.[0]?.id, data.id);
  },
});

exampleTest("add_vm_disk", {
  args: ["--vm", "vm003", "--name", "extra"],
  // Every disk read by id is shown `illegal`, as the engine shows a disk whose creation failed.
  rewrite: ({ method, path }, body) =>
    method === "GET" && /\/disks\/[^/?]+$/.test(path)
      ? body.replace(/<status>\w+<\/status>/, "<status>illegal</status>")
      : body,
  exitCode: 1,
  check: ({ stderr }) => assert.match(stderr, /the status became illegal/),
}, "example add_vm_disk stops when the disk becomes illegal");

exampleTest("add_vm_from_template_version", {
  args: ["--name", "from-v2", "--template", "centos9", "--version", "2"],
  prepare: async (connection) => {
    // A second version of centos9, made from a VM that was created from it.
    const base = (await connection.systemService().templatesService().list({
      search: "name=centos9",
    }))[0];
    const templatesService = connection.systemService().templatesService();
    const vm = await vmNamed(connection, "vm003");
    const version = await templatesService.add({
      name: "centos9",
      vm: { id: vm.id },
      version: { baseTemplate: { id: base.id }, versionName: "v2" },
    });
    await waitForStatus(templatesService.templateService(version.id!), "ok");
  },
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "from-v2");
    assert.equal(vm.status, "down");
    const template = await connection.followLink(vm.template!);
    assert.equal(template.name, "centos9");
    assert.equal(template.version?.versionNumber, 2);
  },
});

exampleTest(
  "add_vm_from_template_version",
  {
    // The engine's search ignores case: `name=CentOS9` also finds centos9 (whose version 1 the
    // example would pick if it did not match the name exactly). A name with a space, which
    // the search would read as a name and a free-text word, is no template name the engine takes.
    args: ["--name", "from-upper", "--template", "CentOS9", "--version", "1"],
    prepare: async (connection) => {
      const templatesService = connection.systemService().templatesService();
      const vm = await vmNamed(connection, "vm003");
      const added = await templatesService.add({ name: "CentOS9", vm: { id: vm.id } });
      await waitForStatus(templatesService.templateService(added.id!), "ok");
    },
    check: async ({ connection }) => {
      const vm = await vmNamed(connection, "from-upper");
      const template = await connection.followLink(vm.template!);
      assert.equal(template.name, "CentOS9");
    },
  },
  "example add_vm_from_template_version: a name differing from another in case only is that template's",
);

exampleTest("add_vm_nic", {
  args: ["--vm", "vm003", "--name", "nic2"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const nics = await vmService(connection, vm).nicsService().list();
    const nic = nics.find((candidate) => candidate.name === "nic2");
    assert.ok(nic, "the NIC is added");
    assert.match(nic.mac?.address ?? "", /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const profile = await connection.followLink(nic.vnicProfile!);
    assert.equal(profile.name, "ovirtmgmt");
  },
});

// A VM of another data center: the profile of its own data center's ovirtmgmt.
exampleTest("add_vm_nic", {
  args: ["--vm", "dc2vm", "--name", "nic2"],
  prepare: async (connection) => {
    const system = connection.systemService();
    await system.dataCentersService().add({ name: "dc2", local: false });
    await system.clustersService().add({
      name: "c2",
      cpu: { architecture: "x86_64", type: "Intel Icelake Server Family" },
      dataCenter: { name: "dc2" },
    });
    await system.vmsService().add({
      name: "dc2vm",
      cluster: { name: "c2" },
      template: { name: "Blank" },
    });
  },
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "dc2vm");
    const nic = (await vmService(connection, vm).nicsService().list())
      .find((candidate) => candidate.name === "nic2");
    assert.ok(nic, "the NIC is added");
    const profile = await connection.followLink(nic.vnicProfile!);
    const network = await connection.followLink(profile.network!);
    const dataCenter = await connection.followLink(network.dataCenter!);
    assert.deepEqual([profile.name, dataCenter.name], ["ovirtmgmt", "dc2"]);
  },
}, "example add_vm_nic takes the vNIC profile of the VM's data center");

exampleTest("add_vm_snapshot", {
  args: ["--vm", "vm003", "--description", "before upgrade"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const snapshots = await vmService(connection, vm).snapshotsService().list();
    const snapshot = snapshots.find((candidate) => candidate.description === "before upgrade");
    assert.equal(snapshot?.snapshotStatus, "ok");
    assert.equal(snapshot?.snapshotType, "regular");
  },
});

exampleTest("add_vnc_console", {
  args: ["--vm", "vm003"],
  prepare: async (connection) => {
    // Replace the VM's VNC console with a SPICE one.
    const consolesService = vmService(connection, await vmNamed(connection, "vm003"))
      .graphicsConsolesService();
    for (const console of await consolesService.list()) {
      await consolesService.consoleService(console.id!).remove();
    }
    await consolesService.add({ protocol: "spice" });
  },
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    const consoles = await vmService(connection, vm).graphicsConsolesService().list();
    assert.deepEqual(consoles.map((console) => console.protocol).sort(), ["spice", "vnc"]);
    assert.match(stdout, /Added VNC console/);
  },
});

exampleTest("enable_serial_console", {
  args: ["--vm", "vm003"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.equal(vm.console?.enabled, true);
  },
});

exampleTest("follow_vm_links", {
  args: ["--vm", "vm001"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm001");
    const cluster = await connection.followLink(vm.cluster!);
    const template = await connection.followLink(vm.template!);
    assert.match(stdout, new RegExp(`cluster: ${cluster.name}\n`));
    assert.match(stdout, new RegExp(`template: ${template.name}\n`));
    for (const attachment of await vmService(connection, vm).diskAttachmentsService().list()) {
      const disk = await connection.followLink(attachment.disk!);
      assert.ok(stdout.includes(`disk: ${disk.name} (${attachment.interface})`), disk.name);
    }
  },
});

exampleTest("list_vm_disks", {
  args: ["--vm", "vm001"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm001");
    const attachments = await vmService(connection, vm).diskAttachmentsService().list();
    assert.ok(stdout.includes(`has ${attachments.length} disk(s)`));
    for (const attachment of attachments) {
      const disk = await connection.followLink(attachment.disk!);
      const domain = await connection.followLink(disk.storageDomains![0]);
      const size = Number(disk.provisionedSize!) / GIB;
      assert.ok(stdout.includes(`${disk.name}: ${size} GiB on ${domain.name}`), stdout);
    }
  },
});

exampleTest("page_vms", {
  args: ["--page-size", "7"],
  check: async ({ connection, stdout }) => {
    const names = (await connection.systemService().vmsService().list())
      .map((vm) => vm.name!).sort();
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, Math.ceil(names.length / 7));
    const printed = lines.flatMap((line) => line.replace(/^Page \d+: /, "").split(", "));
    assert.deepEqual(printed, names);
  },
});

exampleTest("pin_vm", {
  args: ["--vm", "vm003", "--host", "host2"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const [host] = await connection.systemService().hostsService().list({ search: "name=host2" });
    assert.equal(vm.placementPolicy?.affinity, "pinned");
    assert.deepEqual(vm.placementPolicy?.hosts?.map((pinned) => pinned.id), [host.id]);
  },
});

exampleTest("remove_numa_nodes_from_vm", {
  args: ["--vm", "vm003"],
  prepare: async (connection) => {
    const nodesService = vmService(connection, await vmNamed(connection, "vm003"))
      .numaNodesService();
    for (const index of [0, 1, 2]) {
      await nodesService.add({ index, memory: 1024, cpu: { cores: [{ index }] } });
    }
  },
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.deepEqual(await vmService(connection, vm).numaNodesService().list(), []);
    const removed = [...stdout.matchAll(/Removed NUMA node (\d+)/g)].map((match) => match[1]);
    assert.deepEqual(removed, ["2", "1", "0"]);
  },
});

let removedDisks: string[] = [];
exampleTest("remove_vm", {
  args: ["--vm", "vm001"],
  prepare: async (connection) => {
    removedDisks = await diskIdsOf(vmService(connection, await vmNamed(connection, "vm001")));
  },
  check: async ({ connection, stdout }) => {
    const vmsService = connection.systemService().vmsService();
    assert.deepEqual(await vmsService.list({ search: "name=vm001" }), []);
    assert.match(stdout, /powering it off/);
    assert.equal(removedDisks.length, 1);
    for (const id of removedDisks) {
      const get = connection.systemService().disksService().diskService(id).get();
      await assert.rejects(get, NotFoundError);
    }
  },
});

exampleTest("remove_vm", {
  // The engine's search ignores case: `name=web-1` also finds WEB-1 (added first).
  args: ["--vm", "web-1"],
  prepare: (connection) => addVms(connection, "WEB-1", "web-1"),
  check: async ({ connection }) => {
    const vmsService = connection.systemService().vmsService();
    assert.equal(await findByName(vmsService, "web-1"), undefined);
    assert.ok(await findByName(vmsService, "WEB-1"));
  },
}, "example remove_vm: a name is that VM's, case and all");

// A name with a wildcard names no VM: the example removes nothing (not the first match).
exampleTest("remove_vm", {
  args: ["--vm", "vm00*"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    assert.match(stderr, /No VM named vm00\*/);
    const vms = await connection.systemService().vmsService().list({ search: "name=vm00*" });
    assert.equal(vms.length, 9);
  },
}, "example remove_vm --vm vm00* removes no VM");

exampleTest("search_vms", {
  args: ["--query", "status=down and cluster=Default"],
  check: async ({ connection, stdout }) => {
    const vms = await connection.systemService().vmsService().list({
      search: "status=down and cluster=Default",
    });
    assert.ok(vms.length > 0);
    assert.ok(stdout.startsWith(`${vms.length} VM(s) match`));
    for (const vm of vms) assert.ok(stdout.includes(`  ${vm.name}: down\n`), vm.name);
    assert.equal(stdout.trim().split("\n").length, vms.length + 1);
  },
});

exampleTest("set_vm_lease_storage_domain", {
  args: ["--vm", "vm003", "--storage-domain", "data"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    const [data] = await connection.systemService().storageDomainsService().list({
      search: "name=data",
    });
    assert.equal(vm.highAvailability?.enabled, true);
    assert.equal(vm.lease?.storageDomain?.id, data.id);
  },
});

exampleTest("set_vm_serial_number", {
  args: ["--vm", "vm003", "--serial", "SN-0042"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.deepEqual(vm.serialNumber, { policy: "custom", value: "SN-0042" });
  },
});

exampleTest("set_vm_serial_number", {
  // The engine's search ignores case: `name=web-1` also finds WEB-1 (added first).
  prepare: (connection) => addVms(connection, "WEB-1", "web-1"),
  args: ["--vm", "web-1", "--serial", "SN-WEB1"],
  check: async ({ connection }) => {
    const vmsService = connection.systemService().vmsService();
    const changed = await findByName(vmsService, "web-1");
    assert.deepEqual(changed?.serialNumber, { policy: "custom", value: "SN-WEB1" });
    const other = await findByName(vmsService, "WEB-1");
    assert.notEqual(other?.serialNumber?.value, "SN-WEB1");
  },
}, "example set_vm_serial_number: a name is that VM's, case and all, not another's");

/** Adds VMs named `names` (from the Blank template, in cluster Default), in that order. */
async function addVms(connection: Connection, ...names: string[]): Promise<void> {
  for (const name of names) {
    await connection.systemService().vmsService().add({
      name,
      cluster: { name: "Default" },
      template: { name: "Blank" },
    });
  }
}

exampleTest("start_vm", {
  args: ["--vm", "vm003"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.equal(vm.status, "up");
    const host = await connection.followLink(vm.host!);
    assert.ok(stdout.includes(`is up on host ${host.name}`));
  },
});

exampleTest("stop_vm", {
  args: ["--vm", "vm001"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm001");
    assert.equal(vm.status, "down");
    assert.equal(vm.host, undefined);
  },
});

/** The first NIC of VM `name`. */
async function firstNic(connection: Connection, name: string): Promise<types.Nic> {
  const [nic] = await vmService(connection, await vmNamed(connection, name)).nicsService().list();
  return nic;
}

/** Gives the first NIC of VM `copy` the MAC address of the first NIC of VM `original`. */
async function duplicateMac(connection: Connection, original: string, copy: string) {
  // As the engine, the simulator takes a MAC address in use only from a MAC pool that allows
  // duplicates, and on a NIC unplugged meanwhile if its VM is up.
  const pools = connection.systemService().macPoolsService();
  for (const pool of await pools.list()) {
    await pools.macPoolService(pool.id!).update({ allowDuplicates: true });
  }
  const mac = (await firstNic(connection, original)).mac!.address!;
  const nic = await firstNic(connection, copy);
  const vm = await vmNamed(connection, copy);
  const nicService = vmService(connection, vm).nicsService().nicService(nic.id!);
  await nicService.update({ mac: { address: mac }, plugged: false });
  if (nic.plugged !== false) await nicService.update({ plugged: true });
}

exampleTest("print_vm_mac_duplicates", {
  prepare: (connection) => duplicateMac(connection, "vm001", "vm003"),
  check: async ({ connection, stdout }) => {
    const mac = (await firstNic(connection, "vm001")).mac?.address;
    assert.ok(stdout.includes(`MAC ${mac} is used by vm001/nic1 (up), vm003/nic1 (down)\n`));
    const vms = await connection.systemService().vmsService().list();
    assert.ok(stdout.includes(`1 duplicate MAC address(es) among ${vms.length - 1}\n`), stdout);
  },
});

let vm003Nic = "";
exampleTest("fix_dup_nic_macs", {
  args: ["--data-center", "Default"],
  prepare: async (connection) => {
    await duplicateMac(connection, "vm001", "vm003"); // fixable: vm003 is down
    await duplicateMac(connection, "vm005", "vm002"); // not: both are up, NICs plugged
    vm003Nic = (await firstNic(connection, "vm003")).id!;
  },
  check: async ({ connection, stdout }) => {
    const [vm001, vm002, vm003, vm005] = await Promise.all(
      ["vm001", "vm002", "vm003", "vm005"].map((name) => firstNic(connection, name)),
    );
    // The NIC is kept (updated, not removed and added again), and no spare NIC is left.
    assert.equal(vm003.id, vm003Nic);
    assert.deepEqual((await nicsOf(connection, "vm003")).map((nic) => nic.name), ["nic1"]);
    assert.notEqual(vm003.mac?.address, vm001.mac?.address);
    assert.equal(vm003.name, "nic1");
    assert.equal(vm003.vnicProfile?.id, vm001.vnicProfile?.id);
    assert.equal(vm002.mac?.address, vm005.mac?.address);
    assert.match(stdout, /cannot fix/);
    assert.match(stdout, /^1 NIC\(s\) got a new MAC address$/m);
  },
});

/** The NICs of VM `name`. */
async function nicsOf(connection: Connection, name: string): Promise<types.Nic[]> {
  return await vmService(connection, await vmNamed(connection, name)).nicsService().list();
}

// The engine refuses changes now and then ("Related operation is currently in progress"):
// whatever is refused, vm006 keeps its NIC, and what was not done is said, naming it.
exampleTest("fix_dup_nic_macs", {
  prepare: async (connection, simulator) => {
    await duplicateMac(connection, "vm003", "vm006");
    vm003Nic = (await firstNic(connection, "vm006")).id!;
    simulator.setFaults({ locked: 0.5 });
  },
  exitCode: 1,
  check: async ({ connection, simulator, stderr }) => {
    simulator.setFaults({ locked: undefined });
    const nics = await nicsOf(connection, "vm006");
    assert.ok(nics.some((nic) => nic.id === vm003Nic), "vm006 keeps its NIC");
    assert.match(stderr, /^ {2}vm006\/nic1 keeps MAC [0-9a-f:]+: .*Related operation/m);
    // A spare NIC whose removal was refused too is named, with its id, to remove by hand.
    for (const spare of nics.filter((nic) => nic.id !== vm003Nic)) {
      assert.ok(stderr.includes(`spare NIC vm006/${spare.name} (${spare.id})`), stderr);
    }
  },
}, "example fix_dup_nic_macs keeps the NIC and names it when the engine refuses a change");

exampleTest("fix_dup_nic_macs", {
  args: ["--data-center", "nosuchdc"],
  exitCode: 1,
  check: ({ stdout, stderr }) => {
    assert.match(stderr, /No data center named nosuchdc/);
    assert.doesNotMatch(stdout, /got a new MAC/);
  },
}, "example fix_dup_nic_macs refuses a data center that does not exist");

/** Creates the NFS export domain `export` and attaches it to data center `Default`. */
async function addExportDomain(connection: Connection): Promise<types.StorageDomain> {
  const systemService = connection.systemService();
  const domain = await systemService.storageDomainsService().add({
    name: "export",
    type: "export",
    host: { name: "host1" },
    storage: { type: "nfs", address: "nfs.example.com", path: "/exports/export" },
  });
  const [dataCenter] = await systemService.dataCentersService().list({ search: "name=Default" });
  const attached = systemService.dataCentersService().dataCenterService(dataCenter.id!)
    .storageDomainsService();
  await attached.add({ id: domain.id });
  await waitForStatus(attached.storageDomainService(domain.id!), "active", { interval: 50 });
  return domain;
}

/** The storage domain named `name`. */
async function domainNamed(connection: Connection, name: string): Promise<types.StorageDomain> {
  const [domain] = await connection.systemService().storageDomainsService().list({
    search: `name=${name}`,
  });
  assert.ok(domain, `no storage domain ${name}`);
  return domain;
}

/** The events whose description contains `text`. */
async function eventsMentioning(connection: Connection, text: string): Promise<types.Event[]> {
  const events = await connection.systemService().eventsService().list();
  return events.filter((event) => event.description?.includes(text));
}

exampleTest("add_vm_pool", {
  args: ["--name", "desktops", "--size", "3", "--template", "centos9"],
  check: async ({ connection, stdout }) => {
    const [pool] = await connection.systemService().vmPoolsService().list({
      search: "name=desktops",
    });
    assert.equal(pool?.size, 3);
    assert.equal(pool.type, "automatic");
    const vms = await connection.systemService().vmsService().list({ search: "pool=desktops" });
    assert.deepEqual(vms.map((vm) => vm.name).sort(), ["desktops-1", "desktops-2", "desktops-3"]);
    for (const vm of vms) {
      assert.equal(vm.vmPool?.id, pool.id);
      assert.equal(vm.stateless, true);
      assert.equal(vm.status, "down");
      assert.ok(stdout.includes(`${vm.name} (down)`));
    }
  },
});

exampleTest("add_vm_pool", {
  // The engine compares `pool=desktops` without case: the VMs of Desktops came too.
  args: ["--name", "desktops", "--size", "2", "--template", "centos9"],
  prepare: async (connection) => {
    await connection.systemService().vmPoolsService().add({
      name: "Desktops",
      cluster: { name: "Default" },
      template: { name: "centos9" },
      size: 1,
    });
  },
  check: ({ stdout }) => {
    assert.match(stdout, /Pool VMs: desktops-1 \(down\), desktops-2 \(down\)\n/);
  },
}, "example add_vm_pool: the VMs of that pool only, case and all");

exampleTest("add_vm_with_sysprep", {
  args: ["--name", "win1", "--template", "centos9"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "win1");
    assert.equal(vm.status, "up");
    assert.equal(vm.runOnce, true);
    const template = await connection.followLink(vm.template!);
    assert.equal(template.name, "centos9");
  },
});

exampleTest("change_vm_cd", {
  args: ["--vm", "vm001", "--iso", "centos-stream-9.iso"],
  check: async ({ connection }) => {
    const cdromsService = vmService(connection, await vmNamed(connection, "vm001")).cdromsService();
    const [cdrom] = await cdromsService.list();
    const current = await cdromsService.cdromService(cdrom.id!).get({ current: true });
    assert.equal(current.file?.id, "centos-stream-9.iso");
  },
});

let snapshotSource: types.Vm | undefined;
exampleTest("clone_vm_from_snapshot", {
  args: ["--vm", "vm003", "--snapshot", "before upgrade", "--name", "vm003-clone"],
  prepare: async (connection) => {
    snapshotSource = await vmNamed(connection, "vm003");
    const snapshotsService = vmService(connection, snapshotSource).snapshotsService();
    const snapshot = await snapshotsService.add({ description: "before upgrade" });
    await waitFor(
      () => snapshotsService.snapshotService(snapshot.id!).get(),
      (current) => current.snapshotStatus === "ok",
    );
  },
  check: async ({ connection }) => {
    const clone = await vmNamed(connection, "vm003-clone");
    assert.equal(clone.status, "down");
    assert.equal(clone.memory, snapshotSource!.memory);
    assert.equal(clone.template?.id, snapshotSource!.template?.id);
    const cloneDisks = await diskIdsOf(vmService(connection, clone));
    const sourceDisks = await diskIdsOf(vmService(connection, snapshotSource!));
    assert.equal(cloneDisks.length, sourceDisks.length);
    assert.ok(cloneDisks.every((id) => !sourceDisks.includes(id)), "the disks are copies");
  },
});

exampleTest("export_template", {
  args: ["--template", "centos9", "--export-domain", "export"],
  prepare: async (connection) => void await addExportDomain(connection),
  check: async ({ connection }) => {
    const domain = await domainNamed(connection, "export");
    const [template] = await connection.systemService().templatesService().list({
      search: "name=centos9",
    });
    const exported = await connection.systemService().storageDomainsService()
      .storageDomainService(domain.id!).templatesService().list();
    assert.deepEqual(exported.map((copy) => [copy.id, copy.name]), [[template.id, "centos9"]]);
    assert.equal(template.status, "ok");
  },
});

exampleTest("export_template_as_ova", {
  args: [
    "--template",
    "fedora40",
    "--host",
    "host2",
    "--directory",
    "/ova/",
    "--filename",
    "f.ova",
  ],
  check: async ({ connection }) => {
    const events = await eventsMentioning(connection, "to path /ova/f.ova on Host host2");
    assert.equal(events.length, 1);
    const [template] = await connection.systemService().templatesService().list({
      search: "name=fedora40",
    });
    assert.equal(events[0].template?.id, template.id);
    assert.equal(template.status, "ok");
  },
});

/** Adds version 2 of template `name` (from VM vm003) and resolves to [base, version 2]. */
async function addTemplateVersion(
  connection: Connection,
  name: string,
): Promise<[types.Template, types.Template]> {
  const templatesService = connection.systemService().templatesService();
  const [base] = await templatesService.list({ search: `name=${name}` });
  const vm = await vmNamed(connection, "vm003");
  const added = await templatesService.add({
    name,
    vm: { id: vm.id },
    version: { baseTemplate: { id: base.id }, versionName: "v2" },
  });
  return [base, await waitForStatus(templatesService.templateService(added.id!), "ok")];
}

// The versions of a template share its name: the base version by default, else the one asked.
let versions: types.Template[] = [];
exampleTest("export_template_as_ova", {
  args: ["--template", "fedora40", "--filename", "base.ova"],
  prepare: async (connection) => void (versions = await addTemplateVersion(connection, "fedora40")),
  check: async ({ connection }) => {
    const events = await eventsMentioning(connection, "to path /var/tmp/base.ova on Host host1");
    assert.deepEqual(events.map((event) => event.template?.id), [versions[0].id]);
  },
}, "example export_template_as_ova takes a template's base version by default");

exampleTest("export_template", {
  args: ["--template", "centos9", "--version", "2", "--export-domain", "export"],
  prepare: async (connection) => {
    await addExportDomain(connection);
    versions = await addTemplateVersion(connection, "centos9");
  },
  check: async ({ connection }) => {
    const domain = await domainNamed(connection, "export");
    const exported = await connection.systemService().storageDomainsService()
      .storageDomainService(domain.id!).templatesService().list();
    assert.deepEqual(exported.map((copy) => copy.id), [versions[1].id]);
  },
}, "example export_template exports the version asked of a template");

exampleTest("export_vm", {
  args: ["--vm", "vm003", "--export-domain", "export"],
  prepare: async (connection) => void await addExportDomain(connection),
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.equal(vm.status, "down");
    const domain = await domainNamed(connection, "export");
    const exported = await connection.systemService().storageDomainsService()
      .storageDomainService(domain.id!).vmsService().list();
    assert.deepEqual(exported.map((copy) => [copy.id, copy.name]), [[vm.id, "vm003"]]);
  },
});

exampleTest("export_vm_as_ova", {
  args: ["--vm", "vm001", "--host", "host1"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm001");
    assert.equal(vm.status, "up");
    const events = await eventsMentioning(
      connection,
      "to path /var/tmp/vm001.ova on Host host1",
    );
    assert.deepEqual(events.map((event) => event.vm?.id), [vm.id]);
  },
});

// The engine takes no status lock for an OVA export: its end is its job's end, which here
// fails (the job of the next change fails): the example must say so, not "exported".
const ovaExports: [string, string[]][] = [
  ["export_vm_as_ova", ["--vm", "vm001"]],
  ["export_template_as_ova", ["--template", "fedora40"]],
];
for (const [name, args] of ovaExports) {
  exampleTest(name, {
    args,
    simulator: { jobFailureNext: 1 },
    exitCode: 1,
    check: ({ stdout, stderr }) => {
      assert.match(stderr, /Job "[^"]+" of correlation id [-0-9a-f]{36} ended failed/);
      assert.doesNotMatch(stdout, /is exported/);
    },
  }, `example ${name} fails when the export's job fails`);
}

exampleTest("get_display_ticket", {
  args: ["--vm", "vm001", "--protocol", "vnc"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm001");
    const host = await connection.followLink(vm.host!);
    const [console] = await vmService(connection, vm).graphicsConsolesService().list({
      current: true,
    });
    assert.ok(stdout.includes(`address: ${host.address}\n`), stdout);
    assert.ok(stdout.includes(`  port: ${console.port}\n`));
    assert.match(stdout, /password: \S{8,} \(valid for \d+ s\)/);
  },
});

// A VM that is down: its console has no address to give, and the example says so.
exampleTest("get_display_ticket", {
  args: ["--vm", "vm003", "--protocol", "vnc"],
  exitCode: 1,
  check: async ({ connection, stdout, stderr }) => {
    assert.equal((await vmNamed(connection, "vm003")).status, "down");
    assert.equal(stdout, "");
    assert.equal(stderr, "VM vm003 is down: its vnc console has no address\n");
  },
}, "example get_display_ticket says that a VM that is down has no console address");

exampleTest("get_vm_ip", {
  args: ["--vm", "vm001"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm001");
    const devices = await vmService(connection, vm).reportedDevicesService().list();
    const addresses = devices.flatMap((device) => device.ips ?? []).map((ip) => ip.address!);
    assert.ok(addresses.length > 0);
    for (const address of addresses) assert.ok(stdout.includes(`  ${address} (`), address);
  },
});

let importedVmId: string | undefined;
exampleTest("import_vm", {
  args: ["--vm", "vm003", "--export-domain", "export", "--storage-domain", "data"],
  prepare: async (connection) => {
    const domain = await addExportDomain(connection);
    const vm = await vmNamed(connection, "vm003");
    importedVmId = vm.id;
    const service = vmService(connection, vm);
    await service.exportToExportDomain({ storageDomain: { id: domain.id } });
    await waitForStatus(service, "down");
    await service.remove();
  },
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.equal(vm.id, importedVmId);
    assert.equal(vm.status, "down");
    const cluster = await connection.followLink(vm.cluster!);
    assert.equal(cluster.name, "Default");
    assert.equal((await vmService(connection, vm).nicsService().list()).length, 1);
  },
});

exampleTest("import_vm", {
  // The engine's search ignores case: `name=VM003` also finds vm003, there already.
  args: ["--vm", "vm003", "--storage-domain", "data", "--clone", "--new-name", "VM003"],
  prepare: async (connection) => {
    const domain = await addExportDomain(connection);
    const service = vmService(connection, await vmNamed(connection, "vm003"));
    await service.update({ description: "copy source" });
    await service.exportToExportDomain({ storageDomain: { id: domain.id } });
    await waitForStatus(service, "down");
  },
  check: async ({ connection, stdout }) => {
    const copy = await findByName(connection.systemService().vmsService(), "VM003");
    assert.ok(copy);
    assert.match(stdout, new RegExp(`VM VM003 \\(${copy.id}\\) is imported`));
  },
}, "example import_vm: waits for the VM of that new name");

/** Checks that `owner` has one new bootable disk on the `data` domain. */
async function checkImportedDisk(
  connection: Connection,
  owner: { diskAttachmentsService(): services.DiskAttachmentsService },
) {
  const [attachment, ...others] = await owner.diskAttachmentsService().list({ follow: "disk" });
  assert.deepEqual(others, []);
  assert.equal(attachment.bootable, true);
  assert.equal(attachment.disk?.status, "ok");
  const data = await domainNamed(connection, "data");
  assert.equal(attachment.disk?.storageDomains?.[0]?.id, data.id);
}

exampleTest("import_template_from_ova", {
  args: ["--name", "appliance", "--ova", "/var/tmp/appliance.ova"],
  check: async ({ connection }) => {
    const templatesService = connection.systemService().templatesService();
    const [template] = await templatesService.list({ search: "name=appliance" });
    assert.equal(template?.status, "ok");
    const cluster = await connection.followLink(template.cluster!);
    assert.equal(cluster.name, "Default");
    const service = templatesService.templateService(template.id!);
    const [attachment] = await service.diskAttachmentsService().list();
    const disk = await connection.followLink(attachment.disk!);
    assert.equal(disk.status, "ok");
  },
});

// A template of the same name already there: the example waits for and reports its own.
let olderAppliance = "";
exampleTest("import_template_from_ova", {
  args: ["--name", "appliance", "--ova", "/var/tmp/appliance.ova"],
  prepare: async (connection) => {
    const templatesService = connection.systemService().templatesService();
    const older = await templatesService.add({
      name: "appliance",
      vm: { id: (await vmNamed(connection, "vm003")).id },
    });
    await waitForStatus(templatesService.templateService(older.id!), "ok");
    olderAppliance = older.id!;
  },
  check: async ({ connection, stdout }) => {
    const templates = await connection.systemService().templatesService().list({
      search: "name=appliance",
    });
    const imported = templates.find((template) => template.id !== olderAppliance);
    assert.ok(imported, "a new template");
    assert.equal(templates.length, 2);
    assert.match(stdout, new RegExp(`Template appliance \\(${imported.id}\\) is imported`));
    assert.equal(imported.status, "ok");
  },
}, "example import_template_from_ova reports the template it imported, not an older one");

exampleTest("import_template_from_ova", {
  // `name=appliance 2` would be the template `appliance` and the free-text word `2`.
  args: ["--name", "appliance 2", "--ova", "/var/tmp/appliance.ova"],
  prepare: async (connection) => {
    const templatesService = connection.systemService().templatesService();
    const vm = await vmNamed(connection, "vm003");
    const older = await templatesService.add({
      name: "appliance",
      description: "2",
      vm: { id: vm.id },
    });
    await waitForStatus(templatesService.templateService(older.id!), "ok");
  },
  check: async ({ connection, stdout }) => {
    const templatesService = connection.systemService().templatesService();
    const template = await findByName(templatesService, "appliance 2");
    assert.equal(template?.status, "ok");
    assert.match(stdout, new RegExp(`Template appliance 2 \\(${template.id}\\) is imported`));
  },
}, "example import_template_from_ova: waits for the template of that name");

exampleTest("import_vm_from_ova", {
  args: ["--name", "fromova", "--ova", "/var/tmp/web.ova", "--host", "host2"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "fromova");
    assert.equal(vm.status, "down");
    assert.equal(vm.origin, "kvm");
    await checkImportedDisk(connection, vmService(connection, vm));
  },
});

exampleTest("import_vm_from_vmware", {
  args: ["--name", "fromvmware"],
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "fromvmware");
    assert.equal(vm.status, "down");
    assert.equal(vm.origin, "vmware");
    await checkImportedDisk(connection, vmService(connection, vm));
  },
});

/** Adds the VM `web`, which the engine's search for `name=WEB` finds too (it ignores case). */
const addVmWeb = (connection: Connection) => addVms(connection, "web");

exampleTest("import_vm_from_ova", {
  args: ["--name", "WEB", "--ova", "/var/tmp/web.ova", "--host", "host2"],
  prepare: addVmWeb,
  check: async ({ connection, stdout }) => {
    const vm = await findByName(connection.systemService().vmsService(), "WEB");
    assert.equal(vm?.origin, "kvm");
    assert.match(stdout, new RegExp(`VM WEB \\(${vm.id}\\) is imported`));
  },
}, "example import_vm_from_ova: waits for the VM of that name");

exampleTest("import_vm_from_vmware", {
  args: ["--name", "WEB"],
  prepare: addVmWeb,
  check: async ({ connection, stdout }) => {
    const vm = await findByName(connection.systemService().vmsService(), "WEB");
    assert.equal(vm?.origin, "vmware");
    assert.match(stdout, new RegExp(`VM WEB \\(${vm.id}\\) is imported`));
  },
}, "example import_vm_from_vmware: waits for the VM of that name");

exampleTest("list_vm_snapshots", {
  prepare: async (connection) => {
    const snapshotsService = vmService(connection, await vmNamed(connection, "vm003"))
      .snapshotsService();
    await snapshotsService.add({ description: "before upgrade" });
  },
  check: async ({ connection, stdout }) => {
    const lines = stdout.trim().split("\n");
    assert.ok(lines.includes("vm003:before upgrade:vm003_disk1:data"), stdout);
    assert.ok(lines.includes("vm001:Active VM:vm001_disk1:data"));
    const vms = await connection.systemService().vmsService().list();
    let expected = 0;
    for (const vm of vms) {
      const snapshotsService = vmService(connection, vm).snapshotsService();
      for (const snapshot of await snapshotsService.list()) {
        expected += (await snapshotsService.snapshotService(snapshot.id!).disksService().list())
          .length;
      }
    }
    assert.equal(lines.length, expected);
  },
});

exampleTest("register_vm", {
  args: ["--storage-domain", "data", "--vm", "oldvm", "--cluster", "Production"],
  check: async ({ connection }) => {
    const data = await domainNamed(connection, "data");
    const vmsService = connection.systemService().storageDomainsService()
      .storageDomainService(data.id!).vmsService();
    assert.deepEqual(await vmsService.list({ unregistered: true }), []);
    const vm = await vmNamed(connection, "oldvm");
    const cluster = await connection.followLink(vm.cluster!);
    assert.equal(cluster.name, "Production");
    assert.equal(vm.status, "down");
  },
});

let statelessSnapshotBefore: string | undefined;
exampleTest("reprovision_stateless_vm_in_pool", {
  args: ["--pool", "desk"],
  prepare: async (connection) => {
    const systemService = connection.systemService();
    await systemService.vmPoolsService().add({
      name: "desk",
      cluster: { name: "Default" },
      template: { name: "centos9" },
      size: 2,
    });
    const vm = await waitFor(
      () => vmNamed(connection, "desk-2"),
      (vm) => vm.status === "down",
    );
    await vmService(connection, vm).start();
    await waitForStatus(vmService(connection, vm), "up");
    const snapshots = await vmService(connection, vm).snapshotsService().list();
    statelessSnapshotBefore = snapshots.find((snapshot) => snapshot.snapshotType === "stateless")
      ?.id;
  },
  check: async ({ connection, stdout }) => {
    assert.ok(statelessSnapshotBefore);
    const vm = await vmNamed(connection, "desk-2");
    assert.equal(vm.status, "up");
    const snapshots = await vmService(connection, vm).snapshotsService().list();
    const stateless = snapshots.filter((snapshot) => snapshot.snapshotType === "stateless");
    assert.equal(stateless.length, 1);
    assert.notEqual(stateless[0].id, statelessSnapshotBefore, "a fresh stateless snapshot");
    assert.match(stdout, /Powered off VM desk-2/);
    assert.equal((await vmNamed(connection, "desk-1")).status, "down");
  },
});

exampleTest("reprovision_stateless_vm_in_pool", {
  // The engine's search ignores case: `pool=DESK` also finds pool desk (whose desk-2 runs).
  args: ["--pool", "DESK"],
  prepare: async (connection) => {
    for (const [name, size] of [["desk", 2], ["DESK", 1]] as const) {
      await connection.systemService().vmPoolsService().add({
        name,
        cluster: { name: "Default" },
        template: { name: "centos9" },
        size,
      });
    }
    const vm = await waitFor(() => vmNamed(connection, "desk-2"), (vm) => vm.status === "down");
    await vmService(connection, vm).start();
    await waitForStatus(vmService(connection, vm), "up");
  },
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    assert.match(stderr, /Pool DESK has no running VM/);
    assert.equal((await vmNamed(connection, "desk-2")).status, "up");
  },
}, "example reprovision_stateless_vm_in_pool: a pool name is that pool's, case and all");

exampleTest("start_vm_with_boot_devices", {
  args: ["--vm", "vm003", "--boot", "cdrom,hd"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm003");
    assert.equal(vm.status, "up");
    assert.equal(vm.runOnce, true);
    assert.deepEqual(vm.os?.boot?.devices, ["hd"], "the configuration keeps its boot order");
    assert.match(stdout, /booting from cdrom, then hd/);
  },
});

exampleTest("start_vm_with_cloud_init", {
  args: ["--vm", "vm006", "--host-name", "web6.example.com", "--address", "192.0.2.66"],
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm006");
    assert.equal(vm.status, "up");
    assert.equal(vm.runOnce, true);
    assert.match(stdout, /with cloud-init as web6.example.com \(192.0.2.66\)/);
  },
});

let ovfFile = "";
exampleTest("download_vm_ovf", {
  args: async () => {
    ovfFile = await Deno.makeTempFile({ prefix: "ovirt-sdk-example-", suffix: ".ovf" });
    return ["--vm", "vm001", "--output", ovfFile];
  },
  check: async ({ connection }) => {
    const [vm] = await connection.systemService().vmsService().list({
      search: "name=vm001",
      allContent: true,
    });
    const saved = await Deno.readTextFile(ovfFile);
    await Deno.remove(ovfFile);
    assert.equal(saved, vm.initialization?.configuration?.data);
    assert.ok(saved.includes("<Name>vm001</Name>"));
    assert.ok(saved.includes(`ovf:id="${vm.id}"`));
  },
});

// The simulator behaviours these examples rely on, checked through the SDK.

/** Lifecycle step of the simulators whose tests look at transitional states, and polling. */
const STEP = 300;
const POLL = { interval: 50 };

/**
 * Runs `test` against a fresh simulator whose lifecycle steps take no time, or `delay`
 * milliseconds (for tests that look at transitional states).
 */
async function withSimulator(
  test: (connection: Connection) => Promise<void>,
  delay = 0,
): Promise<void> {
  await using simulator = await startSimulator({ delay });
  await using connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  await test(connection);
}

Deno.test("simulator: a start with run-once settings marks the VM run_once until it is down", () =>
  withSimulator(async (connection) => {
    const vm = vmService(connection, await vmNamed(connection, "vm003"));
    await vm.start();
    assert.equal((await waitForStatus(vm, "up")).runOnce, false);
    await vm.stop();
    await vm.start({ useCloudInit: true, vm: { initialization: { hostName: "a" } } });
    assert.equal((await waitForStatus(vm, "up")).runOnce, true);
    await vm.stop();
    assert.equal((await waitForStatus(vm, "down")).runOnce, false);
  }));

Deno.test("simulator: a VM is cloned from a snapshot of another, without a template", () =>
  withSimulator(async (connection) => {
    const vmsService = connection.systemService().vmsService();
    const source = await vmNamed(connection, "vm003");
    const [active] = await vmService(connection, source).snapshotsService().list();
    const clone = await vmsService.add({
      name: "clone",
      cluster: { name: "Default" },
      snapshots: [{ id: active.id }],
    });
    assert.equal(clone.status, "image_locked");
    const ready = await waitForStatus(vmsService.vmService(clone.id!), "down");
    assert.equal(ready.template?.id, source.template?.id);
    assert.equal(ready.memory, source.memory);
    assert.equal((await diskIdsOf(vmsService.vmService(clone.id!))).length, 1);
    const missing = vmsService.add({ name: "nothing", cluster: { name: "Default" } });
    await assert.rejects(missing, (error: OvirtError) => error.code === 400);
    const unknown = vmsService.add({
      name: "unknown",
      cluster: { name: "Default" },
      snapshots: [{ id: "no-such-snapshot" }],
    });
    await assert.rejects(unknown, NotFoundError);
  }));

Deno.test("simulator: a pool creates its stateless VMs; they run on a stateless snapshot", () =>
  withSimulator(async (connection) => {
    const pool = await connection.systemService().vmPoolsService().add({
      name: "lab",
      cluster: { name: "Default" },
      template: { name: "fedora40" },
      size: 2,
    });
    const vmsService = connection.systemService().vmsService();
    const vms = await vmsService.list({ search: "pool=lab" });
    assert.deepEqual(vms.map((vm) => [vm.name, vm.stateless, vm.vmPool?.id]), [
      ["lab-1", true, pool.id],
      ["lab-2", true, pool.id],
    ]);
    const vm = vmsService.vmService(vms[0].id!);
    await waitForStatus(vm, "down");
    const statelessSnapshots = async () =>
      (await vm.snapshotsService().list()).filter((snapshot) =>
        snapshot.snapshotType === "stateless"
      ).length;
    await vm.start();
    assert.equal(await statelessSnapshots(), 1);
    await waitForStatus(vm, "up");
    await vm.shutdown();
    await waitForStatus(vm, "down");
    assert.equal(await statelessSnapshots(), 0);
  }));

Deno.test("simulator: VMs and templates export to an export domain and import back", () =>
  withSimulator(async (connection) => {
    const exportDomain = await addExportDomain(connection);
    const data = await domainNamed(connection, "data");
    const vm = await vmNamed(connection, "vm003");
    const service = vmService(connection, vm);
    const toData = service.exportToExportDomain({ storageDomain: { id: data.id } });
    await assert.rejects(toData, (error: OvirtError) => error.code === 409);
    await service.exportToExportDomain({ storageDomain: { id: exportDomain.id } });
    assert.equal((await service.get()).status, "image_locked");
    await waitForStatus(service, "down", POLL);
    const again = service.exportToExportDomain({ storageDomain: { id: exportDomain.id } });
    await assert.rejects(again, (error: OvirtError) => error.code === 409);
    await service.exportToExportDomain({ storageDomain: { id: exportDomain.id }, exclusive: true });
    await waitForStatus(service, "down", POLL);

    const domainService = connection.systemService().storageDomainsService()
      .storageDomainService(exportDomain.id!);
    const copy = domainService.vmsService().vmService(vm.id!);
    const importAgain = copy.import({
      cluster: { name: "Default" },
      storageDomain: { id: data.id },
    });
    await assert.rejects(importAgain, (error: OvirtError) => error.code === 409);
    await copy.import({
      cluster: { name: "Production" },
      storageDomain: { id: data.id },
      vm: { name: "vm003-copy" },
      clone: true,
    });
    const imported = await vmNamed(connection, "vm003-copy");
    assert.notEqual(imported.id, vm.id);
    assert.equal((await connection.followLink(imported.cluster!)).name, "Production");
    await copy.remove();
    assert.deepEqual(await domainService.vmsService().list(), []);
    assert.equal((await service.get()).name, "vm003", "removing the copy keeps the VM");

    const [template] = await connection.systemService().templatesService().list({
      search: "name=fedora40",
    });
    const templateService = connection.systemService().templatesService()
      .templateService(template.id!);
    await templateService.exportToExportDomain({ storageDomain: { id: exportDomain.id } });
    assert.equal((await templateService.get()).status, "locked");
    await waitForStatus(templateService, "ok", POLL);
    const templates = await domainService.templatesService().list();
    assert.deepEqual(templates.map((copy) => copy.id), [template.id]);
  }, STEP));

Deno.test("simulator: the data domain lists its VMs, and the unregistered one apart", () =>
  withSimulator(async (connection) => {
    const data = await domainNamed(connection, "data");
    const vmsService = connection.systemService().storageDomainsService()
      .storageDomainService(data.id!).vmsService();
    const registered = await vmsService.list();
    assert.equal(registered.length, (await connection.systemService().vmsService().list()).length);
    const [oldvm, ...others] = await vmsService.list({ unregistered: true });
    assert.deepEqual(others, []);
    assert.equal(oldvm.name, "oldvm");
    const refused = vmsService.vmService(registered[0].id!).remove();
    await assert.rejects(refused, (error: OvirtError) => error.code === 409);
    await vmsService.vmService(oldvm.id!).register({ cluster: { name: "Default" } });
    const vm = await vmNamed(connection, "oldvm");
    assert.equal(vm.id, oldvm.id);
    assert.deepEqual(await vmsService.list({ unregistered: true }), []);
  }));

Deno.test("simulator: an OVA export keeps the VM's status; its job and events tell its end", () =>
  withSimulator(async (connection) => {
    const vm = await vmNamed(connection, "vm002");
    const service = vmService(connection, vm);
    await service.exportToPathOnHost({
      host: { name: "host3" },
      directory: "/ova",
      correlationId: "ova-export-1",
    });
    assert.equal((await service.get()).status, vm.status, "the engine takes no status lock");
    await waitForJobs(connection, "ova-export-1", POLL);
    const events = (await connection.systemService().eventsService().list())
      .filter((event) => event.correlationId === "ova-export-1");
    const codes = events.map((event) => event.code).reverse(); // oldest first
    assert.deepEqual(codes.filter((code) => code === 1223 || code === 1224), [1223, 1224]);
    assert.match(events.find((event) => event.code === 1224)!.description!, /\/ova\/vm002\.ova/);
  }, STEP));

Deno.test("simulator: external imports create a locked VM or template, then a ready one", () =>
  withSimulator(async (connection) => {
    const systemService = connection.systemService();
    const incomplete = systemService.externalVmImportsService().add({ name: "x" });
    await assert.rejects(incomplete, (error: OvirtError) => error.code === 400);
    const answer = await systemService.externalVmImportsService().add({
      name: "xen1",
      provider: "xen",
      url: "xen+ssh://root@xen.example.com",
      cluster: { name: "Default" },
      storageDomain: { name: "data" },
      sparse: false,
    });
    const vm = vmService(connection, await vmNamed(connection, "xen1"));
    assert.equal(answer.vm?.id, (await vm.get()).id);
    assert.equal((await vm.get()).status, "image_locked");
    const ready = await waitForStatus(vm, "down", POLL);
    assert.equal(ready.origin, "xen");
    const [attachment] = await vm.diskAttachmentsService().list({ follow: "disk" });
    assert.equal(attachment.disk?.format, "raw");

    await systemService.externalTemplateImportsService().add({
      url: "ova:///var/tmp/golden.ova",
      cluster: { name: "Default" },
      storageDomain: { name: "data" },
      host: { name: "host1" },
    });
    const [template] = await systemService.templatesService().list({ search: "name=golden" });
    assert.equal(template.status, "locked");
    const service = systemService.templatesService().templateService(template.id!);
    assert.equal((await waitForStatus(service, "ok", POLL)).version?.versionNumber, 1);
  }, STEP));

Deno.test("simulator: running VMs show console addresses and guest addresses, down ones not", () =>
  withSimulator(async (connection) => {
    const up = vmService(connection, await vmNamed(connection, "vm001"));
    const host = await connection.followLink((await up.get()).host!);
    const consoles = up.graphicsConsolesService();
    assert.equal((await consoles.list())[0].address, undefined);
    const [current] = await consoles.list({ current: true });
    assert.deepEqual([current.address, current.port], [host.address, 5900]);
    const [nic] = await up.nicsService().list();
    const [device, ...others] = await up.reportedDevicesService().list();
    assert.deepEqual(others, []);
    assert.equal(device.mac?.address, nic.mac?.address);
    assert.deepEqual(device.ips?.map((ip) => ip.version), ["v4", "v6"]);
    assert.equal(
      (await up.reportedDevicesService().reportedDeviceService(device.id!).get()).id,
      nic.id,
    );

    const down = vmService(connection, await vmNamed(connection, "vm003"));
    assert.equal((await down.graphicsConsolesService().list({ current: true }))[0].port, undefined);
    assert.deepEqual(await down.reportedDevicesService().list(), []);
  }));

Deno.test("simulator: snapshot disks, the OVF of a VM with all_content, the ISO domain's image", () =>
  withSimulator(async (connection) => {
    const vm = await vmNamed(connection, "vm001");
    const service = vmService(connection, vm);
    const [snapshot] = await service.snapshotsService().list();
    const disks = await service.snapshotsService().snapshotService(snapshot.id!).disksService()
      .list();
    assert.deepEqual(disks.map((disk) => disk.id), await diskIdsOf(service));

    assert.equal(vm.initialization?.configuration, undefined);
    const full = await service.get({ allContent: true });
    assert.equal(full.initialization?.configuration?.type, "ovf");
    const ovf = full.initialization!.configuration!.data!;
    assert.ok(ovf.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ovf:Envelope'));
    assert.ok(ovf.includes(`<Name>vm001</Name>`));
    assert.ok(ovf.includes(`ovf:disk-alias="vm001_disk1"`));

    const iso = await domainNamed(connection, "iso");
    const files = await connection.systemService().storageDomainsService()
      .storageDomainService(iso.id!).filesService().list();
    assert.deepEqual(files.map((file) => file.id), ["centos-stream-9.iso"]);
  }));

import assert from "node:assert/strict";
import {
  type Connection,
  NotFoundError,
  type services,
  type types,
  waitForStatus,
} from "../mod.ts";
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
  args: ["--name", "large", "--memory-gib", "8", "--sockets", "4", "--cores", "2"],
  check: async ({ connection }) => {
    const [instanceType] = await connection.systemService().instanceTypesService().list({
      search: "name=large",
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
      const size = disk.provisionedSize! / GIB;
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
  const mac = (await firstNic(connection, original)).mac!.address!;
  const nic = await firstNic(connection, copy);
  const vm = await vmNamed(connection, copy);
  await vmService(connection, vm).nicsService().nicService(nic.id!).update({
    mac: { address: mac },
  });
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

exampleTest("fix_dup_nic_macs", {
  args: ["--data-center", "Default"],
  prepare: async (connection) => {
    await duplicateMac(connection, "vm001", "vm003"); // fixable: vm003 is down
    await duplicateMac(connection, "vm005", "vm002"); // not: both are up, NICs plugged
  },
  check: async ({ connection, stdout }) => {
    const [vm001, vm002, vm003, vm005] = await Promise.all(
      ["vm001", "vm002", "vm003", "vm005"].map((name) => firstNic(connection, name)),
    );
    assert.notEqual(vm003.mac?.address, vm001.mac?.address);
    assert.equal(vm003.name, "nic1");
    assert.equal(vm003.vnicProfile?.id, vm001.vnicProfile?.id);
    assert.equal(vm002.mac?.address, vm005.mac?.address);
    assert.match(stdout, /cannot fix/);
    assert.match(stdout, /^1 NIC\(s\) got a new MAC address$/m);
  },
});

/**
 * The infrastructure examples (data centers, clusters, hosts, networks, users, roles,
 * tags, affinity labels, events, connection options) run against the simulator, each
 * checked through the SDK; and the simulator behaviours they rely on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Connection, NotFoundError, type OvirtError, types, waitFor } from "../mod.ts";
import { startSimulator } from "../testing/mod.ts";
import { exampleTest, type Rewrite } from "./example_harness.ts";

async function hostNamed(connection: Connection, name: string): Promise<types.Host> {
  const [host] = await connection.systemService().hostsService().list({ search: `name=${name}` });
  assert.ok(host, `host ${name}`);
  return host;
}

async function vmNamed(connection: Connection, name: string): Promise<types.Vm> {
  const [vm] = await connection.systemService().vmsService().list({ search: `name=${name}` });
  assert.ok(vm, `VM ${name}`);
  return vm;
}

async function clusterNamed(connection: Connection, name: string): Promise<types.Cluster> {
  const clustersService = connection.systemService().clustersService();
  const [cluster] = await clustersService.list({ search: `name=${name}` });
  assert.ok(cluster, `cluster ${name}`);
  return cluster;
}

async function dataCenterNamed(connection: Connection, name: string): Promise<types.DataCenter> {
  const dataCentersService = connection.systemService().dataCentersService();
  const [dataCenter] = await dataCentersService.list({ search: `name=${name}` });
  assert.ok(dataCenter, `data center ${name}`);
  return dataCenter;
}

// Adding objects

exampleTest("add_affinity_label", {
  args: ["--name", "gpu"],
  check: async ({ connection }) => {
    const labels = await connection.systemService().affinityLabelsService().list();
    assert.ok(labels.some((label) => label.name === "gpu"));
  },
});

exampleTest("add_cluster", {
  args: ["--name", "edge"],
  check: async ({ connection }) => {
    const cluster = await clusterNamed(connection, "edge");
    const dataCenter = await dataCenterNamed(connection, "Default");
    assert.equal(cluster.dataCenter?.id, dataCenter.id);
    assert.equal(cluster.cpu?.type, "Intel Icelake Server Family");
    assert.equal(cluster.cpu?.architecture, types.Architecture.X86_64);
    // The engine gives every new cluster the management network of its data center.
    const networks = await connection.systemService().clustersService()
      .clusterService(cluster.id!).networksService().list();
    assert.deepEqual(networks.map((network) => network.name), ["ovirtmgmt"]);
  },
});

exampleTest("add_data_center", {
  args: ["--name", "branch", "--version", "4.7"],
  check: async ({ connection }) => {
    const dataCenter = await dataCenterNamed(connection, "branch");
    assert.equal(dataCenter.status, types.DataCenterStatus.UNINITIALIZED);
    assert.deepEqual(dataCenter.version, { major: 4, minor: 7 });
    assert.equal(dataCenter.local, false);
  },
});

exampleTest("add_group", {
  args: ["--name", "developers"],
  check: async ({ connection }) => {
    const groupsService = connection.systemService().groupsService();
    const [group] = await groupsService.list({ search: "name=developers" });
    assert.ok(group);
    const [domain] = await connection.systemService().domainsService().list();
    assert.equal(group.domain?.id, domain.id);
    assert.equal(domain.name, "internal-authz");
  },
});

exampleTest("add_host", {
  args: ["--name", "host4", "--address", "host4.example.com", "--cluster", "Production"],
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host4");
    assert.equal(host.status, types.HostStatus.UP);
    assert.equal(host.address, "host4.example.com");
    assert.equal(host.cluster?.id, (await clusterNamed(connection, "Production")).id);
    assert.match(stdout, /Host host4 is up/);
  },
});

exampleTest("add_logical_network", {
  args: ["--name", "storage", "--vlan", "300", "--mtu", "9000"],
  check: async ({ connection }) => {
    const networksService = connection.systemService().networksService();
    const [network] = await networksService.list({ search: "name=storage" });
    assert.ok(network);
    assert.equal(network.vlan?.id, 300);
    assert.equal(network.mtu, 9000);
    assert.deepEqual(network.usages, [types.NetworkUsage.VM]);
    assert.equal(network.dataCenter?.id, (await dataCenterNamed(connection, "Default")).id);
  },
});

exampleTest("add_mac_pool", {
  check: async ({ connection }) => {
    const pools = await connection.systemService().macPoolsService().list();
    const pool = pools.find((candidate) => candidate.name === "mymacpool");
    assert.ok(pool);
    assert.deepEqual(pool.ranges, [{ from: "02:00:00:00:00:00", to: "02:00:00:00:ff:ff" }]);
    const cluster = await clusterNamed(connection, "Production");
    assert.equal(cluster.macPool?.id, pool.id);
    assert.notEqual((await clusterNamed(connection, "Default")).macPool?.id, pool.id);
  },
});

exampleTest("add_mac_pool", {
  args: ["--cluster", "Prodution"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    const pools = await connection.systemService().macPoolsService().list();
    assert.ok(!pools.some((pool) => pool.name === "mymacpool"), "no pool is left behind");
    assert.match(stderr, /No cluster named Prodution/);
  },
}, "example add_mac_pool looks the cluster up before it makes the pool");

exampleTest("add_role", {
  args: ["--name", "vm-creator", "--permits", "create_vm,login"],
  check: async ({ connection }) => {
    const rolesService = connection.systemService().rolesService();
    const role = (await rolesService.list()).find((candidate) => candidate.name === "vm-creator");
    assert.ok(role);
    assert.equal(role.administrative, false);
    const permits = await rolesService.roleService(role.id!).permitsService().list();
    assert.deepEqual(permits.map((permit) => [permit.id, permit.name]), [
      ["1", "create_vm"],
      ["1300", "login"],
    ]);
  },
});

exampleTest("add_tag", {
  args: ["--name", "backend", "--parent", "production"],
  check: async ({ connection }) => {
    const tags = await connection.systemService().tagsService().list();
    const tag = tags.find((candidate) => candidate.name === "backend");
    const parent = tags.find((candidate) => candidate.name === "production");
    assert.ok(tag && parent);
    assert.equal(tag.description, "My tag");
    assert.equal(tag.parent?.id, parent.id);
  },
});

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEexampleEXAMPLEexample alice@laptop";

let keyFile = "";

exampleTest("add_user_ssh_public_key", {
  args: async () => {
    keyFile = await Deno.makeTempFile({ suffix: ".pub" });
    await Deno.writeTextFile(keyFile, `${PUBLIC_KEY}\n`);
    return ["--key-file", keyFile];
  },
  check: async ({ connection, stdout }) => {
    await Deno.remove(keyFile);
    const usersService = connection.systemService().usersService();
    const [admin] = await usersService.list({ search: "usrname=admin@internal-authz" });
    assert.equal(admin?.userName, "admin@internal-authz");
    const keys = await usersService.userService(admin.id!).sshPublicKeysService().list();
    assert.ok(keys.some((key) => key.content === PUBLIC_KEY));
    assert.match(stdout, /alice@laptop/);
  },
});

// Assigning

exampleTest("assign_affinity_label_to_vm", {
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm002");
    const vmLabels = await connection.systemService().vmsService().vmService(vm.id!)
      .affinityLabelsService().list();
    assert.deepEqual(vmLabels.map((label) => label.name), ["ssd"]);
    // The same assignment, seen from the label.
    const labelsService = connection.systemService().affinityLabelsService();
    const [label] = await labelsService.list();
    const vms = await labelsService.labelService(label.id!).vmsService().list();
    assert.deepEqual(vms.map((labelled) => labelled.name).sort(), ["vm001", "vm002"]);
  },
});

exampleTest("assign_network_to_cluster", {
  args: ["--required"],
  check: async ({ connection }) => {
    const cluster = await clusterNamed(connection, "Production");
    const networks = await connection.systemService().clustersService()
      .clusterService(cluster.id!).networksService().list();
    const vmnet = networks.find((network) => network.name === "vmnet");
    assert.equal(vmnet?.required, true);
    assert.deepEqual(networks.map((network) => network.name).sort(), ["ovirtmgmt", "vmnet"]);
  },
});

async function addUser(connection: Connection, userName: string): Promise<void> {
  await connection.systemService().usersService().add({
    userName,
    domain: { name: "internal-authz" },
  });
}

exampleTest("assign_network_to_cluster", {
  // `name=web 1` would be the network `web` and the free-text word `1` (its description).
  prepare: async (connection) => {
    const dataCenter = await dataCenterNamed(connection, "Default");
    for (const [name, description] of [["web", "vlan 1"], ["web 1", ""]]) {
      await connection.systemService().networksService().add({
        name,
        description,
        dataCenter: { id: dataCenter.id },
      });
    }
  },
  args: ["--network", "web 1", "--cluster", "Production"],
  check: async ({ connection }) => {
    const cluster = await clusterNamed(connection, "Production");
    const networks = await connection.systemService().clustersService()
      .clusterService(cluster.id!).networksService().list();
    assert.deepEqual(networks.map((network) => network.name).sort(), ["ovirtmgmt", "web 1"]);
  },
}, "example assign_network_to_cluster: a name with a space is that network's");

exampleTest("assign_permission", {
  args: ["--user", "alice@internal-authz"],
  prepare: (connection) => addUser(connection, "alice@internal-authz"),
  check: async ({ connection }) => {
    const cluster = await clusterNamed(connection, "Production");
    const permissions = await connection.systemService().clustersService()
      .clusterService(cluster.id!).permissionsService().list();
    const [alice] = await connection.systemService().usersService()
      .list({ search: "usrname=alice@internal-authz" });
    assert.equal(permissions.length, 1);
    assert.equal(permissions[0].user?.id, alice.id);
    const role = await connection.followLink(permissions[0].role!);
    assert.equal(role.name, "ClusterAdmin");
  },
});

exampleTest("assign_permission", {
  check: async ({ connection }) => {
    const cluster = await clusterNamed(connection, "Production");
    const permissions = await connection.systemService().clustersService()
      .clusterService(cluster.id!).permissionsService().list();
    const [admin] = await connection.systemService().usersService().list({ search: "name=admin" });
    assert.equal(admin.userName, "admin@internal-authz");
    assert.deepEqual(permissions.map((permission) => permission.user?.id), [admin.id]);
  },
}, "example assign_permission: the default user is the engine's admin@internal-authz");

exampleTest("assign_permission", {
  // `usrname=*` would be every user, and the permission the first one's.
  args: ["--user", "*"],
  exitCode: 1,
  check: async ({ connection, stderr }) => {
    const cluster = await clusterNamed(connection, "Production");
    const permissions = await connection.systemService().clustersService()
      .clusterService(cluster.id!).permissionsService().list();
    assert.deepEqual(permissions, []);
    assert.match(stderr, /No user \*/);
  },
}, "example assign_permission: a user name is no pattern");

exampleTest("assign_permission_to_vms", {
  args: ["--user", "bob@internal-authz", "--vms", "vm004,vm005"],
  prepare: (connection) => addUser(connection, "bob@internal-authz"),
  check: async ({ connection }) => {
    const vmsService = connection.systemService().vmsService();
    const [bob] = await connection.systemService().usersService()
      .list({ search: "usrname=bob@internal-authz" });
    for (const name of ["vm004", "vm005", "vm006"]) {
      const vm = await vmNamed(connection, name);
      const permissions = await vmsService.vmService(vm.id!).permissionsService().list();
      const forBob = permissions.filter((permission) => permission.user?.id === bob.id);
      assert.equal(forBob.length, name === "vm006" ? 0 : 1, name);
      for (const permission of forBob) {
        assert.equal((await connection.followLink(permission.role!)).name, "UserVmManager");
      }
    }
  },
});

exampleTest("assign_tag_to_vm", {
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm002");
    const tags = await connection.systemService().vmsService().vmService(vm.id!).tagsService()
      .list();
    assert.deepEqual(tags.map((tag) => tag.name), ["production"]);
  },
});

exampleTest("unassign_tag_to_vm", {
  check: async ({ connection }) => {
    const vm = await vmNamed(connection, "vm001");
    const tags = await connection.systemService().vmsService().vmService(vm.id!).tagsService()
      .list();
    assert.deepEqual(tags, []);
    // The tag itself is still there.
    const all = await connection.systemService().tagsService().list();
    assert.ok(all.some((tag) => tag.name === "web"));
  },
});

exampleTest("remove_tag", {
  args: ["--name", "web"],
  check: async ({ connection }) => {
    const tags = await connection.systemService().tagsService().list();
    assert.deepEqual(tags.map((tag) => tag.name).sort(), ["production", "root"]);
    // Gone from the VM that carried it too.
    const vm = await vmNamed(connection, "vm001");
    const vmTags = await connection.systemService().vmsService().vmService(vm.id!).tagsService()
      .list();
    assert.deepEqual(vmTags, []);
  },
});

exampleTest("update_data_center", {
  args: ["--description", "Headquarters"],
  check: async ({ connection, stdout }) => {
    const dataCenter = await dataCenterNamed(connection, "Default");
    assert.equal(dataCenter.description, "Headquarters");
    assert.equal(dataCenter.status, types.DataCenterStatus.UP);
    assert.match(stdout, /Default: The default Data Center -> Headquarters/);
  },
});

// Listing: the output shows what the SDK reads

function lines(stdout: string): string[] {
  return stdout.trimEnd().split("\n");
}

exampleTest("list_affinity_labels", {
  prepare: async (connection) => {
    const vm = await vmNamed(connection, "vm003");
    // The engine assigns a label by its id only.
    const [ssd] = await connection.systemService().affinityLabelsService().list()
      .then((labels) => labels.filter((label) => label.name === "ssd"));
    await connection.systemService().vmsService().vmService(vm.id!).affinityLabelsService()
      .add({ id: ssd.id });
    await connection.systemService().affinityLabelsService().add({ name: "gpu" });
  },
  check: async ({ connection, stdout }) => {
    const expected: string[] = [];
    const labelsService = connection.systemService().affinityLabelsService();
    for (const label of await labelsService.list()) {
      expected.push(`${label.name}:`);
      const labelService = labelsService.labelService(label.id!);
      for (const vm of await labelService.vmsService().list()) expected.push(`  VM ${vm.name}`);
      for (const host of await labelService.hostsService().list()) {
        expected.push(`  host ${host.name}`);
      }
    }
    assert.deepEqual(lines(stdout), expected);
    assert.deepEqual(expected, ["ssd:", "  VM vm001", "  VM vm003", "  host host1", "gpu:"]);
  },
});

exampleTest("list_cluster_networks", {
  check: async ({ connection, stdout }) => {
    const cluster = await clusterNamed(connection, "Default");
    const networks = await connection.systemService().clustersService()
      .clusterService(cluster.id!).networksService().list();
    assert.equal(networks.length, 2);
    for (const network of networks) {
      const required = network.required ? "required" : "optional";
      assert.ok(stdout.includes(`  ${network.name} (${network.id}): ${required}`), network.name);
      assert.ok(stdout.includes(`    usages: ${network.usages!.join(", ")}`), network.name);
    }
    assert.match(stdout, /vmnet \(.*\): optional, MTU 1500/);
  },
});

exampleTest("list_host_statistics", {
  args: ["--host", "host2"],
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host2");
    const statistics = await connection.systemService().hostsService().hostService(host.id!)
      .statisticsService().list();
    assert.ok(statistics.length > 0);
    assert.equal(lines(stdout).length, statistics.length + 1);
    for (const statistic of statistics) {
      assert.ok(stdout.includes(`  ${statistic.name}: ${statistic.values![0].datum}`));
    }
    assert.match(stdout, /memory\.total: 68719476736 bytes/);
  },
});

exampleTest("list_roles", {
  args: ["--permits"],
  check: async ({ connection, stdout }) => {
    const rolesService = connection.systemService().rolesService();
    const roles = await rolesService.list();
    for (const role of roles) assert.ok(stdout.includes(`${role.name} (`), role.name);
    const userRole = roles.find((role) => role.name === "UserRole")!;
    const permits = await rolesService.roleService(userRole.id!).permitsService().list();
    const names = permits.map((permit) => permit.name).join(", ");
    assert.ok(stdout.includes(`UserRole (user): UserRole role\n  permits: ${names}\n`));
    assert.match(names, /login/);
  },
});

exampleTest("list_tags", {
  prepare: async (connection) => {
    await connection.systemService().tagsService().add({
      name: "frontend",
      description: "Front ends",
      parent: { name: "web" },
    });
  },
  check: async ({ connection, stdout }) => {
    const tags = await connection.systemService().tagsService().list();
    assert.equal(lines(stdout).length, tags.length);
    assert.deepEqual(lines(stdout), [
      "root: root",
      "  production: Tag production",
      "  web: Tag web",
      "    frontend: Front ends",
    ]);
  },
});

exampleTest("list_tags_of_vm", {
  prepare: async (connection) => {
    const vm = await vmNamed(connection, "vm001");
    await connection.systemService().vmsService().vmService(vm.id!).tagsService()
      .add({ name: "production" });
  },
  check: async ({ connection, stdout }) => {
    const vm = await vmNamed(connection, "vm001");
    const tags = await connection.systemService().vmsService().vmService(vm.id!).tagsService()
      .list();
    assert.deepEqual(lines(stdout), [
      `VM vm001 has ${tags.length} tag(s):`,
      ...tags.map((tag) => `  ${tag.name}: ${tag.description}`),
    ]);
    assert.deepEqual(tags.map((tag) => tag.name).sort(), ["production", "web"]);
  },
});

exampleTest("show_summary", {
  check: async ({ connection, stdout }) => {
    const api = await connection.systemService().get();
    const summary = api.summary!;
    assert.deepEqual(lines(stdout), [
      `oVirt Engine ${api.productInfo!.version!.fullVersion}`,
      `hosts: ${summary.hosts!.total} (${summary.hosts!.active} active)`,
      `storage domains: ${summary.storageDomains!.total} (${
        summary.storageDomains!.active
      } active)`,
      `users: ${summary.users!.total} (${summary.users!.active} active)`,
      `VMs: ${summary.vms!.total} (${summary.vms!.active} active)`,
    ]);
    assert.equal(summary.vms!.total, 20);
  },
});

Deno.test("example test_connection fails with exit code 1 and the reason on bad credentials", async () => {
  await using simulator = await startSimulator({ delay: 0 });
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-net", "--allow-env", "examples/test_connection.ts"],
    env: {
      OVIRT_URL: simulator.url,
      OVIRT_USERNAME: simulator.username,
      OVIRT_PASSWORD: "wrong-password",
      NO_COLOR: "1",
    },
  }).output();
  assert.equal(output.code, 1);
  const stdout = new TextDecoder().decode(output.stdout);
  // The reason, and no secret.
  assert.match(
    stdout,
    new RegExp(
      `^Connection to ${simulator.url} as admin@internal does not work: SSO login at \\S+ ` +
        "failed: Cannot authenticate user 'admin@internal': The username or password is " +
        "incorrect\\b.*\\n$",
    ),
  );
  assert.doesNotMatch(stdout + new TextDecoder().decode(output.stderr), /wrong-password/);
  assert.equal(simulator.loginCount, 0);
});

exampleTest("test_connection", {
  check: async ({ connection, simulator, stdout }) => {
    assert.equal(stdout, `Connection to ${simulator.url} as admin@internal works\n`);
    // The script logged in on its own: the check's connection is the second login.
    assert.equal(await connection.test(), true);
    assert.equal(simulator.loginCount, 2);
  },
});

// Hosts

async function hostNics(connection: Connection, hostName: string): Promise<types.HostNic[]> {
  const host = await hostNamed(connection, hostName);
  return await connection.systemService().hostsService().hostService(host.id!).nicsService()
    .list();
}

exampleTest("add_bond", {
  args: ["--address", "192.0.2.100"],
  check: async ({ connection }) => {
    const host = await hostNamed(connection, "host1");
    const hostService = connection.systemService().hostsService().hostService(host.id!);
    const nics = await hostNics(connection, "host1");
    const bond = nics.find((nic) => nic.name === "bond0");
    assert.ok(bond?.bonding);
    const slaveIds = nics.filter((nic) => nic.name === "eth1" || nic.name === "eth2")
      .map((nic) => nic.id);
    assert.deepEqual(bond.bonding.slaves?.map((slave) => slave.id), slaveIds);
    assert.deepEqual(bond.bonding.options, [
      { name: "mode", value: "1" },
      { name: "miimon", value: "100" },
    ]);
    const attachments = await hostService.networkAttachmentsService().list();
    const onBond = attachments.find((attachment) => attachment.hostNic?.id === bond.id);
    assert.ok(onBond);
    const [vmnet] = await connection.systemService().networksService()
      .list({ search: "name=vmnet" });
    assert.equal(onBond.network?.id, vmnet.id);
    assert.deepEqual(onBond.ipAddressAssignments, [{
      assignmentMethod: types.BootProtocol.STATIC,
      ip: { address: "192.0.2.100", netmask: "255.255.255.0" },
    }]);
  },
});

exampleTest("add_fence_agent", {
  // The engine refuses an agent without a password: the example asks for one.
  args: ["--agent-password", "secret"],
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host2");
    assert.equal(host.status, types.HostStatus.UP);
    assert.equal(host.powerManagement?.enabled, true);
    assert.equal(host.powerManagement?.kdumpDetection, true);
    const agents = await connection.systemService().hostsService().hostService(host.id!)
      .fenceAgentsService().list();
    assert.equal(agents.length, 1);
    assert.equal(agents[0].type, "ipmilan");
    assert.equal(agents[0].address, "host2-ipmi.example.com");
    assert.equal(agents[0].order, 1);
    assert.deepEqual(agents[0].options, [{ name: "lanplus", value: "1" }]);
    // kdump detection was off: the host went through maintenance and a reinstall.
    assert.match(stdout, /Host host2 is in maintenance/);
    assert.match(stdout, /Host host2 is reinstalled and up/);
  },
});

exampleTest("update_fencing_options", {
  args: ["--option", "lanplus=1", "--option", "power_wait=4"],
  check: async ({ connection }) => {
    const host = await hostNamed(connection, "host1");
    const [agent] = await connection.systemService().hostsService().hostService(host.id!)
      .fenceAgentsService().list();
    assert.deepEqual(agent.options, [
      { name: "privlvl", value: "operator" },
      { name: "lanplus", value: "1" },
      { name: "power_wait", value: "4" },
    ]);
    assert.equal(agent.address, "host1-ipmi.example.com");
  },
});

exampleTest("change_host_cluster", {
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host2");
    assert.equal(host.status, types.HostStatus.UP);
    assert.equal(host.cluster?.id, (await clusterNamed(connection, "Production")).id);
    // The VMs it ran moved to the other host of its old cluster.
    const running = await connection.systemService().vmsService().list({ search: "host=host2" });
    assert.deepEqual(running, []);
    assert.match(stdout, /Host host2 is in maintenance\n/);
  },
});

/** Once `action` was posted to a host, shows that host (read by id) with status `status`. */
function hostStatusAfter(action: string, status: string): Rewrite {
  let posted = "";
  return ({ method, path }, body) => {
    const match = new RegExp(`/hosts/([^/?]+)/${action}$`).exec(path);
    if (method === "POST" && match) posted = match[1];
    return method === "GET" && posted !== "" && path.endsWith(`/hosts/${posted}`)
      ? body.replace(/<status>\w+<\/status>/, `<status>${status}</status>`)
      : body;
  };
}

// A host that lacks a network its new cluster requires goes non_operational on the engine
// (the simulator does not model that: the answers are changed on the way).
exampleTest("change_host_cluster", {
  rewrite: hostStatusAfter("activate", "non_operational"),
  exitCode: 1,
  check: ({ stderr }) => assert.match(stderr, /the status became non_operational/),
}, "example change_host_cluster stops when the host goes non_operational");

exampleTest("remove_host", {
  args: ["--host", "host2"],
  check: async ({ connection }) => {
    const hosts = await connection.systemService().hostsService().list();
    assert.deepEqual(hosts.map((host) => host.name).sort(), ["host1", "host3"]);
    const host1 = await hostNamed(connection, "host1");
    const vms = await connection.systemService().vmsService().list({ search: "status=up" });
    for (const vm of vms) {
      assert.ok([host1.id, (await hostNamed(connection, "host3")).id].includes(vm.host?.id));
    }
  },
});

exampleTest("upgrade_host", {
  args: ["--host", "host1"],
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host1");
    assert.equal(host.status, types.HostStatus.UP);
    assert.equal(host.updateAvailable, false);
    const events = await connection.systemService().eventsService()
      .list({ search: "host.name=host1" });
    const codes = events.map((event) => event.code);
    assert.ok(codes.includes(885) && codes.includes(842), String(codes));
    assert.match(stdout, /Check for available updates on host host1 was completed/);
    assert.match(stdout, /Host host1 is upgraded and up/);
  },
});

// A host upgraded from maintenance goes back to maintenance (the engine leaves it there).
exampleTest("upgrade_host", {
  args: ["--host", "host2"],
  prepare: async (connection) => {
    const hostService = connection.systemService().hostsService()
      .hostService((await hostNamed(connection, "host2")).id!);
    await hostService.deactivate();
    await waitFor(() => hostService.get(), (host) => host.status === "maintenance", {
      interval: 10,
      timeout: 10_000,
    });
  },
  check: async ({ connection, stdout }) => {
    const host = await hostNamed(connection, "host2");
    assert.equal(host.status, types.HostStatus.MAINTENANCE);
    assert.equal(host.updateAvailable, false);
    assert.match(stdout, /^Host host2 is upgraded and in maintenance$/m);
  },
}, "example upgrade_host waits for a host upgraded from maintenance to be back in maintenance");

// A host whose name has a dot and a dash (the engine takes no space in a host name): the
// events of its update check are found all the same.
exampleTest("upgrade_host", {
  args: ["--host", "my-host.lab", "--check-timeout", "10"],
  prepare: async (connection) => {
    const hostService = connection.systemService().hostsService()
      .hostService((await hostNamed(connection, "host2")).id!);
    await hostService.deactivate();
    await waitFor(() => hostService.get(), (host) => host.status === "maintenance", {
      interval: 10,
      timeout: 10_000,
    });
    await hostService.update({ name: "my-host.lab" });
  },
  check: ({ stdout }) => {
    assert.match(stdout, /^Host my-host\.lab is upgraded and in maintenance$/m);
  },
}, "example upgrade_host follows the check's events of a host whose name has a dot and a dash");

// A failed upgrade: the engine leaves the host install_failed.
exampleTest("upgrade_host", {
  args: ["--host", "host1"],
  rewrite: hostStatusAfter("upgrade", "install_failed"),
  exitCode: 1,
  check: ({ stdout, stderr }) => {
    assert.match(stderr, /^The upgrade of host host1 failed: the host is install_failed$/m);
    assert.doesNotMatch(stdout, /is upgraded/);
  },
}, "example upgrade_host stops when the upgrade leaves the host install_failed");

// A failed update check: the engine logs event 839 for the host (here, added by the test
// every 50 ms while the example runs; the check's own result, 885, comes 5 s later).
const injecting = new AbortController();
exampleTest("upgrade_host", {
  args: ["--host", "host1"],
  simulator: { delay: 5000 },
  exitCode: 1,
  prepare: async (connection) => {
    const host = await hostNamed(connection, "host1");
    const eventsService = connection.systemService().eventsService();
    (async () => {
      while (!injecting.signal.aborted) {
        await eventsService.add({
          code: 839,
          severity: types.LogSeverity.ERROR,
          description: "Failed to check for available updates on host host1: repo unreachable.",
          origin: "test",
          customId: Math.floor(Math.random() * 1e9),
          host: { id: host.id },
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })().catch(() => {}); // the simulator closed: the test is over
  },
  check: async ({ connection, stdout, stderr }) => {
    injecting.abort();
    assert.equal(
      stderr,
      "The update check of host host1 failed: Failed to check for available updates on host " +
        "host1: repo unreachable.\n",
    );
    assert.doesNotMatch(stdout, /no updates|Upgrading/);
    const events = await connection.systemService().eventsService()
      .list({ search: "host.name=host1" });
    assert.ok(!events.some((event) => event.code === 842), "no upgrade started");
  },
}, "example upgrade_host fails with exit code 1 when the update check fails");

// The check's result comes after a step of 60 s: longer than --check-timeout.
exampleTest("upgrade_host", {
  args: ["--host", "host1", "--check-timeout", "1"],
  simulator: { delay: 60_000 },
  exitCode: 1,
  check: ({ stdout, stderr }) => {
    assert.equal(stderr, "The update check of host host1 did not end within 1 s\n");
    assert.doesNotMatch(stdout, /no updates|Upgrading/);
  },
}, "example upgrade_host fails with exit code 1 when the update check does not end");

exampleTest("data_center_maintenance", {
  args: ["--data-center", "Default"],
  check: async ({ connection, stdout }) => {
    const systemService = connection.systemService();
    const vms = await systemService.vmsService().list();
    assert.ok(vms.every((vm) => vm.status === types.VmStatus.DOWN));
    const hosts = await systemService.hostsService().list();
    assert.ok(hosts.every((host) => host.status === types.HostStatus.MAINTENANCE));
    const dataCenter = await dataCenterNamed(connection, "Default");
    assert.equal(dataCenter.status, types.DataCenterStatus.MAINTENANCE);
    const domains = await systemService.dataCentersService().dataCenterService(dataCenter.id!)
      .storageDomainsService().list();
    assert.ok(domains.every((domain) => domain.status === types.StorageDomainStatus.MAINTENANCE));
    // The master domain went last.
    assert.match(stdout, /domain iso is in maintenance\nStorage domain data is in maintenance/);
  },
});

exampleTest("data_center_maintenance", {
  // The engine compares `datacenter=default` without case: it is the data center Default too.
  prepare: async (connection) => {
    await connection.systemService().dataCentersService().add({ name: "default", local: false });
  },
  args: ["--data-center", "default"],
  check: async ({ connection, stdout }) => {
    const systemService = connection.systemService();
    const vms = await systemService.vmsService().list();
    assert.ok(vms.some((vm) => vm.status === types.VmStatus.UP), "the VMs of Default run");
    const hosts = await systemService.hostsService().list();
    assert.ok(hosts.every((host) => host.status === types.HostStatus.UP), "hosts of Default up");
    assert.match(stdout, /Shutting down 0 VM\(s\)/);
  },
}, "example data_center_maintenance: only the data center named so, case and all");

exampleTest("update_quota_limits", {
  // -1 (unlimited) starts with a dash: it needs the `=`.
  args: ["--storage-limit", "200", "--vcpu-limit", "16", "--memory-limit=-1"],
  prepare: async (connection) => {
    const dataCenter = await dataCenterNamed(connection, "Default");
    const quotasService = connection.systemService().dataCentersService()
      .dataCenterService(dataCenter.id!).quotasService();
    const [quota] = await quotasService.list();
    const [data] = await connection.systemService().storageDomainsService()
      .list({ search: "name=data" });
    await quotasService.quotaService(quota.id!).quotaStorageLimitsService()
      .add({ storageDomain: { id: data.id }, limit: 10 });
  },
  check: async ({ connection }) => {
    const dataCenter = await dataCenterNamed(connection, "Default");
    const quotasService = connection.systemService().dataCentersService()
      .dataCenterService(dataCenter.id!).quotasService();
    const quotas = await quotasService.list();
    assert.deepEqual(quotas.map((quota) => quota.name), ["Default"]);
    const quotaService = quotasService.quotaService(quotas[0].id!);
    const [data] = await connection.systemService().storageDomainsService()
      .list({ search: "name=data" });
    // The old limit of the domain is gone (the simulator also shows a sample limit).
    const storageLimits = await quotaService.quotaStorageLimitsService().list();
    assert.deepEqual(
      storageLimits.filter((limit) => limit.storageDomain?.id === data.id).map((limit) =>
        limit.limit
      ),
      [200],
    );
    const clusterLimits = await quotaService.quotaClusterLimitsService().list();
    const cluster = await clusterNamed(connection, "Default");
    assert.deepEqual(
      clusterLimits.filter((limit) => limit.cluster?.id === cluster.id).map((limit) => [
        limit.vcpuLimit,
        limit.memoryLimit,
      ]),
      [[16, -1]],
    );
  },
});

// Connections and events

exampleTest("asynchronous_inventory", {
  args: ["--connections", "4"],
  check: async ({ connection, stdout }) => {
    const systemService = connection.systemService();
    const vms = await systemService.vmsService().list();
    const disks = await systemService.disksService().list();
    assert.match(stdout, new RegExp(`Loaded 3 hosts, ${vms.length} VMs, ${disks.length} disks`));
    for (const vm of vms) {
      const vmService = systemService.vmsService().vmService(vm.id!);
      const attachments = await vmService.diskAttachmentsService().list();
      const nics = await vmService.nicsService().list();
      const size = (await Promise.all(
        attachments.map((attachment) => connection.followLink(attachment.disk!)),
      )).reduce((sum, disk) => sum + Number(disk.provisionedSize!), 0) / 1024 ** 3;
      const line = `${vm.name}: ${attachments.length} disk(s), ${size} GiB, ${nics.length} NIC(s)`;
      assert.ok(stdout.includes(`${line}\n`), line);
    }
  },
});

exampleTest("connection_builder", {
  args: ["--debug", "--connections", "2"],
  check: async ({ connection, simulator, stdout }) => {
    const vms = await connection.systemService().vmsService().list();
    const hosts = await connection.systemService().hostsService().list();
    assert.deepEqual(lines(stdout), [
      `VMs: ${vms.map((vm) => vm.name).join(", ")}`,
      `Hosts: ${hosts.map((host) => host.name).join(", ")}`,
    ]);
    // Two connections, each logged in once (the check's own connection is the third).
    assert.equal(simulator.loginCount, 3);
  },
});

exampleTest("disable_compression", {
  check: async ({ connection, stdout }) => {
    const api = await connection.systemService().get();
    const vms = await connection.systemService().vmsService().list();
    assert.deepEqual(lines(stdout), [
      `Engine version ${api.productInfo!.version!.fullVersion}`,
      `${vms.length} VMs, read without compression`,
    ]);
  },
});

let indexFile = "";

exampleTest("poll_events", {
  args: async () => {
    indexFile = await Deno.makeTempFile({ suffix: ".index" });
    await Deno.writeTextFile(indexFile, "0");
    return ["--index-file", indexFile, "--max-events", "3", "--interval", "0"];
  },
  prepare: async (connection) => {
    for (const name of ["first", "second", "third"]) {
      await connection.systemService().tagsService().add({ name });
    }
  },
  check: async ({ connection, stdout }) => {
    const index = await Deno.readTextFile(indexFile);
    await Deno.remove(indexFile);
    const all = await connection.systemService().eventsService().list({ from: 0 });
    const events = all.sort((a, b) => Number(a.id) - Number(b.id)).slice(0, 3);
    assert.deepEqual(lines(stdout), [
      ...events.map((event) =>
        `${event.id} ${event.time!.toISOString()} ${event.severity}: ${event.description}`
      ),
      "Handled 3 event(s); the next run starts after event 3",
    ]);
    assert.match(stdout, /Tag second was added/);
    assert.equal(index, "3");
  },
});

/** The index file of a `poll_events` run holding `text`, and the arguments naming it. */
async function pollArgs(text: string, ...more: string[]): Promise<string[]> {
  indexFile = await Deno.makeTempFile({ suffix: ".index" });
  await Deno.writeTextFile(indexFile, text);
  return ["--index-file", indexFile, ...more];
}

exampleTest("poll_events", {
  // Created empty ahead of the first run, or left so by a write cut short: no state.
  args: () => pollArgs(" \n", "--seconds", "1", "--interval", "0"),
  check: async ({ connection, stdout }) => {
    const index = await Deno.readTextFile(indexFile);
    await Deno.remove(indexFile);
    const [newest] = await connection.systemService().eventsService().list({ max: 1 });
    assert.deepEqual(lines(stdout), [
      `${newest.id} ${newest.time!.toISOString()} ${newest.severity}: ${newest.description}`,
      `Handled 0 event(s); the next run starts after event ${newest.id}`,
    ]);
    assert.equal(index, newest.id);
  },
}, "example poll_events with a blank index file starts from the newest event, not from 0");

exampleTest("poll_events", {
  args: () => pollArgs("12O\n", "--seconds", "1"),
  exitCode: 1,
  check: async ({ stdout, stderr }) => {
    assert.equal(await Deno.readTextFile(indexFile), "12O\n"); // left as it was
    await Deno.remove(indexFile);
    assert.equal(stdout, "");
    assert.equal(
      stderr.trim(),
      `${indexFile} holds "12O", not an event id: fix it, or empty it to start from the newest event`,
    );
  },
}, "example poll_events refuses an index file that holds no event id");

// The simulator behaviours these examples rely on

const POLL = { interval: 5, timeout: 5000 };

async function connect(options: { delay?: number; empty?: boolean } = {}) {
  const simulator = await startSimulator({ delay: 10, ...options });
  const connection = new Connection({
    url: simulator.url,
    username: simulator.username,
    password: simulator.password,
  });
  return {
    connection,
    system: connection.systemService(),
    async [Symbol.asyncDispose]() {
      await connection.close();
      await simulator.close();
    },
  };
}

const rejectsWith = (code: number) => (error: OvirtError) => error.code === code;

Deno.test("simulator: the seeded configuration, and what even an empty engine has", async () => {
  {
    await using env = await connect();
    const [vmnet] = await env.system.networksService().list({ search: "name=vmnet" });
    assert.equal(vmnet.vlan?.id, 100);
    const host1 = await hostNamed(env.connection, "host1");
    assert.equal(host1.powerManagement?.enabled, true);
    const nics = await hostNics(env.connection, "host1");
    assert.deepEqual(nics.map((nic) => nic.name), ["eth0", "eth1", "eth2"]);
    const [management] = await env.system.hostsService().hostService(host1.id!)
      .networkAttachmentsService().list();
    assert.equal(management.hostNic?.id, nics[0].id);
    const tags = await env.system.tagsService().list();
    assert.deepEqual(tags.map((tag) => tag.name), ["root", "production", "web"]);
    const [label] = await env.system.affinityLabelsService().list();
    assert.equal(label.name, "ssd");
  }
  await using empty = await connect({ empty: true });
  const roles = await empty.system.rolesService().list();
  for (const role of roles) {
    const permits = await empty.system.rolesService().roleService(role.id!).permitsService().list();
    assert.ok(permits.some((permit) => permit.name === "login"), role.name);
  }
  const dataCenter = await dataCenterNamed(empty.connection, "Default");
  const quotas = await empty.system.dataCentersService().dataCenterService(dataCenter.id!)
    .quotasService().list();
  assert.deepEqual(quotas.map((quota) => quota.name), ["Default"]);
});

Deno.test("simulator: setupnetworks makes and removes bonds and network attachments", async () => {
  await using env = await connect();
  const host = await hostNamed(env.connection, "host2");
  const hostService = env.system.hostsService().hostService(host.id!);
  const attachmentsService = hostService.networkAttachmentsService();
  await assert.rejects(
    hostService.setupNetworks({
      modifiedBonds: [{ name: "bond0", bonding: { slaves: [{ name: "eth1" }, { name: "eth9" }] } }],
    }),
    NotFoundError,
  );
  await assert.rejects(
    hostService.setupNetworks({
      modifiedBonds: [{ name: "bond0", bonding: { slaves: [{ name: "eth1" }] } }],
    }),
    rejectsWith(400),
  );
  await hostService.setupNetworks({
    modifiedBonds: [{ name: "bond0", bonding: { slaves: [{ name: "eth1" }, { name: "eth2" }] } }],
    modifiedNetworkAttachments: [{ network: { name: "vmnet" }, hostNic: { name: "bond0" } }],
  });
  const bond = (await hostNics(env.connection, "host2")).find((nic) => nic.name === "bond0");
  assert.equal(bond?.speed, 20_000_000_000);
  const attachment = (await attachmentsService.list())
    .find((candidate) => candidate.hostNic?.id === bond!.id);
  assert.ok(attachment);
  // An attachment named by id is changed in place.
  const ip = { address: "192.0.2.50", netmask: "255.255.255.0" };
  await hostService.setupNetworks({
    modifiedNetworkAttachments: [{
      id: attachment.id,
      ipAddressAssignments: [{ assignmentMethod: types.BootProtocol.STATIC, ip }],
    }],
  });
  const changed = await attachmentsService.attachmentService(attachment.id!).get();
  assert.deepEqual(changed.ipAddressAssignments?.[0].ip, ip);
  assert.equal(changed.hostNic?.id, bond!.id);
  await hostService.setupNetworks({
    removedNetworkAttachments: [{ id: attachment.id }],
    removedBonds: [{ name: "bond0" }],
  });
  assert.equal((await attachmentsService.list()).length, 1);
  const names = (await hostNics(env.connection, "host2")).map((nic) => nic.name);
  assert.deepEqual(names, ["eth0", "eth1", "eth2"]);
});

Deno.test("simulator: upgrade check finds updates once; upgrade goes through maintenance", async () => {
  // Steps long enough that a loaded machine still sees the host preparing for maintenance.
  await using env = await connect({ delay: 250 });
  const host = await hostNamed(env.connection, "host1");
  const hostService = env.system.hostsService().hostService(host.id!);
  await assert.rejects(hostService.upgrade(), rejectsWith(409));
  await hostService.upgradeCheck();
  await waitFor(() => hostService.get(), (checked) => checked.updateAvailable === true, POLL);
  await hostService.upgrade();
  assert.equal((await hostService.get()).status, types.HostStatus.PREPARING_FOR_MAINTENANCE);
  // Its VMs migrate to host2, the other host of the cluster.
  const leaving = await env.system.vmsService().list({ search: "host=host1" });
  assert.deepEqual(new Set(leaving.map((vm) => vm.status)), new Set([types.VmStatus.MIGRATING]));
  const seen = new Set<string>();
  await waitFor(() => hostService.get(), (upgraded) => {
    seen.add(upgraded.status!);
    return upgraded.status === types.HostStatus.UP && upgraded.updateAvailable === false;
  }, POLL);
  assert.deepEqual(await env.system.vmsService().list({ search: "host=host1" }), []);
  assert.ok(seen.has(types.HostStatus.MAINTENANCE) || seen.has(types.HostStatus.INSTALLING));
  await hostService.upgradeCheck();
  const events = await waitFor(
    () => env.system.eventsService().list({ search: "host.name=host1" }),
    (found) => found.filter((event) => event.code === 885).length === 2,
    POLL,
  );
  assert.match(events[0].description!, /no updates found/);
  assert.ok(events.some((event) => event.code === 842));
  assert.equal((await hostService.get()).updateAvailable, false);
});

Deno.test("simulator: reinstalling a host or changing its cluster needs maintenance", async () => {
  // Steps long enough that a loaded machine still sees the host installing.
  await using env = await connect({ delay: 250 });
  const host = await hostNamed(env.connection, "host2");
  const hostService = env.system.hostsService().hostService(host.id!);
  await assert.rejects(hostService.install(), rejectsWith(409));
  await assert.rejects(hostService.update({ cluster: { name: "Production" } }), rejectsWith(409));
  // Other changes, and naming the cluster it is in, are fine while it is up.
  await hostService.update({ description: "rack 2", cluster: { name: "Default" } });
  await hostService.deactivate();
  await waitFor(() => hostService.get(), (got) => got.status === "maintenance", POLL);
  await hostService.update({ cluster: { name: "Production" } });
  await hostService.install({ activate: false });
  assert.equal((await hostService.get()).status, types.HostStatus.INSTALLING);
  const installed = await waitFor(() => hostService.get(), (got) => got.status !== "installing", {
    ...POLL,
  });
  assert.equal(installed.status, types.HostStatus.MAINTENANCE);
  assert.equal(installed.description, "rack 2");
  assert.equal(installed.cluster?.id, (await clusterNamed(env.connection, "Production")).id);
});

Deno.test("simulator: affinity label assignments are seen from both sides", async () => {
  await using env = await connect();
  const labelsService = env.system.affinityLabelsService();
  const [label] = await labelsService.list();
  const host = await hostNamed(env.connection, "host2");
  const hostLabels = env.system.hostsService().hostService(host.id!).affinityLabelsService();
  await labelsService.labelService(label.id!).hostsService().add({ id: host.id });
  assert.deepEqual((await hostLabels.list()).map((found) => found.name), ["ssd"]);
  await hostLabels.labelService(label.id!).remove();
  const hosts = await labelsService.labelService(label.id!).hostsService().list();
  assert.deepEqual(hosts.map((found) => found.name), ["host1"]);
});

Deno.test("simulator: new roles list their permits; unknown permits are refused", async () => {
  await using env = await connect();
  const rolesService = env.system.rolesService();
  const role = await rolesService.add({
    name: "operator",
    permits: [{ id: "4" }, { name: "login" }],
  });
  const permits = await rolesService.roleService(role.id!).permitsService().list();
  assert.deepEqual(permits.map((permit) => permit.name), ["vm_basic_operations", "login"]);
  await assert.rejects(
    rolesService.add({ name: "broken", permits: [{ id: "99999" }] }),
    rejectsWith(400),
  );
  const names = (await rolesService.list()).map((found) => found.name);
  assert.ok(names.includes("operator") && !names.includes("broken"));
});

Deno.test("simulator: users are searched by login and directory with usrname", async () => {
  await using env = await connect();
  const usersService = env.system.usersService();
  const [admin] = await usersService.list({ search: "usrname=admin@internal-authz" });
  assert.equal(admin?.name, "admin");
  assert.deepEqual(await usersService.list({ search: "usrname=nobody@internal-authz" }), []);
});

Deno.test("simulator: a data center is in maintenance when all its domains are", async () => {
  await using env = await connect();
  const dataCenter = await dataCenterNamed(env.connection, "Default");
  const domainsService = env.system.dataCentersService().dataCenterService(dataCenter.id!)
    .storageDomainsService();
  const dataCenterStatus = async () => (await dataCenterNamed(env.connection, "Default")).status;
  // As the engine: no running VM may use a domain, and the master goes last.
  const vms = env.system.vmsService();
  for (const vm of await vms.list({ search: "status!=down" })) await vms.vmService(vm.id!).stop();
  const domains = await domainsService.list();
  domains.sort((a, b) => Number(a.master ?? false) - Number(b.master ?? false));
  for (const domain of domains) {
    await domainsService.storageDomainService(domain.id!).deactivate();
  }
  await waitFor(dataCenterStatus, (status) => status === "maintenance", POLL);
  const [data] = (await domainsService.list()).filter((domain) => domain.master);
  await domainsService.storageDomainService(data.id!).activate();
  await waitFor(dataCenterStatus, (status) => status === "up", POLL);
});

Deno.test("simulator: a reference added by id keeps the values of the relation", async () => {
  await using env = await connect();
  const cluster = await clusterNamed(env.connection, "Production");
  const networksService = env.system.clustersService().clusterService(cluster.id!)
    .networksService();
  const [vmnet] = await env.system.networksService().list({ search: "name=vmnet" });
  const added = await networksService.add({ id: vmnet.id, required: true });
  assert.equal(added.required, true);
  const listed = (await networksService.list()).find((network) => network.id === vmnet.id);
  assert.equal(listed?.required, true);
  // The network itself (and its assignment to the other cluster) did not change.
  assert.equal(
    (await env.system.networksService().networkService(vmnet.id!).get()).required,
    false,
  );
});

/**
 * The parts of the inventory that administrators set up (and the examples work on):
 *
 * - built in, on every engine: the permits of the built-in roles, the `Default` quota of
 *   data center `Default`;
 * - configured, in the full inventory: a VM network `vmnet` (VLAN 100) on cluster
 *   `Default`, on every host `ovirtmgmt` attached to `eth0` and spare NICs `eth1` and
 *   `eth2` (for bonds), an IPMI fence agent and power management on `host1`, tags
 *   `production` and `web` (`web` on the first VM), and an affinity label `ssd` on the
 *   first VM and `host1`.
 *
 * @module
 */

import type { Engine, Reference } from "./engine.ts";
import { newMac } from "./behaviours/devices.ts";
import { addPermit, PERMITS } from "./behaviours/infrastructure.ts";
import { ZERO_ID } from "./model.ts";
import type { Entity } from "./store.ts";

const USER_PERMITS = ["1300", "4", "5", "7"];

/** The permits of each built-in role. */
const ROLE_PERMITS: Readonly<Record<string, readonly string[]>> = {
  SuperUser: Object.keys(PERMITS),
  ClusterAdmin: Object.keys(PERMITS),
  DataCenterAdmin: Object.keys(PERMITS),
  UserRole: USER_PERMITS,
  UserVmManager: [...USER_PERMITS, "2", "3", "6"],
  PowerUserRole: [...USER_PERMITS, "1"],
};

function named(engine: Engine, collection: string, name: string): Entity {
  const found = engine.store.find(collection, (entity) => entity.name === name);
  if (!found) throw new Error(`seed: no ${collection} named ${name}`);
  return found;
}

function path(collection: string, id: string): string {
  return `${collection}/${encodeURIComponent(id)}`;
}

/** What every engine has: the permits of the built-in roles, the `Default` quota. */
export function seedBuiltIns(engine: Engine): void {
  for (const [role, permits] of Object.entries(ROLE_PERMITS)) {
    const roleId = named(engine, "roles", role).id;
    for (const id of permits) addPermit(engine, roleId, id);
  }
  const dataCenter = named(engine, "datacenters", "Default");
  engine.store.put(`${path("datacenters", dataCenter.id)}/quotas`, {
    id: engine.newId(),
    name: "Default",
    description: "Default unlimited quota",
    dataCenter: engine.referenceTo("datacenters", dataCenter.id),
    clusterSoftLimitPct: 80,
    clusterHardLimitPct: 20,
    storageSoftLimitPct: 80,
    storageHardLimitPct: 20,
  });
}

/** What an administrator has configured in the full inventory (see the module comment). */
export function seedConfiguration(engine: Engine): void {
  seedVmNetwork(engine);
  for (const host of engine.store.items("hosts")) seedHostNetworking(engine, host);
  const host1 = named(engine, "hosts", "host1");
  seedPowerManagement(engine, host1);
  const firstVm = engine.store.items("vms")[0];
  const [, web] = ["production", "web"].map((name) =>
    engine.store.put("tags", {
      id: engine.newId(),
      name,
      description: `Tag ${name}`,
      parent: engine.referenceTo("tags", ZERO_ID),
    })
  );
  if (firstVm) engine.store.put(`${path("vms", firstVm.id)}/tags`, { id: web.id });
  const label = engine.store.put("affinitylabels", {
    id: engine.newId(),
    name: "ssd",
    readOnly: false,
    hasImplicitAffinityGroup: false,
  });
  const labelPath = path("affinitylabels", label.id);
  engine.store.put(`${labelPath}/hosts`, { id: host1.id });
  engine.store.put(`${path("hosts", host1.id)}/affinitylabels`, { id: label.id });
  if (firstVm) {
    engine.store.put(`${labelPath}/vms`, { id: firstVm.id });
    engine.store.put(`${path("vms", firstVm.id)}/affinitylabels`, { id: label.id });
  }
}

function seedVmNetwork(engine: Engine): void {
  const dataCenter = named(engine, "datacenters", "Default");
  const cluster = named(engine, "clusters", "Default");
  const network = engine.store.put("networks", {
    id: engine.newId(),
    name: "vmnet",
    description: "VM network",
    dataCenter: engine.referenceTo("datacenters", dataCenter.id),
    vlan: { id: 100 },
    mtu: 1500,
    stp: false,
    required: false,
    usages: ["vm"],
    vdsmName: "vmnet",
  });
  const profile = engine.store.put("vnicprofiles", {
    id: engine.newId(),
    name: "vmnet",
    network: engine.referenceTo("networks", network.id),
    portMirroring: false,
  });
  engine.store.put(`${path("networks", network.id)}/vnicprofiles`, { id: profile.id });
  engine.store.put(`${path("clusters", cluster.id)}/networks`, {
    id: network.id,
    required: false,
    display: false,
    usages: ["vm"],
    cluster: engine.referenceTo("clusters", cluster.id),
  });
}

/** The attachment of `ovirtmgmt` to `eth0` (as installing the host made it), spare NICs. */
function seedHostNetworking(engine: Engine, host: Entity): void {
  const hostPath = path("hosts", host.id);
  const eth0 = engine.store.find(`${hostPath}/nics`, (nic) => nic.name === "eth0");
  const management = engine.store.find("networks", (network) => network.name === "ovirtmgmt");
  if (eth0 && management) {
    engine.store.put(`${hostPath}/networkattachments`, {
      id: engine.newId(),
      network: engine.referenceTo("networks", management.id),
      hostNic: {
        id: eth0.id,
        href: engine.href(`${hostPath}/nics/${encodeURIComponent(eth0.id)}`),
      },
      ipAddressAssignments: [{ assignmentMethod: "static", ip: eth0.ip }],
      inSync: true,
      host: engine.referenceTo("hosts", host.id),
    });
  }
  for (const name of ["eth1", "eth2"]) {
    engine.store.put(`${path("hosts", host.id)}/nics`, {
      id: engine.newId(),
      name,
      mac: { address: newMac(engine) },
      bootProtocol: "none",
      speed: 10_000_000_000,
      status: "up",
      mtu: 1500,
      bridged: false,
      host: engine.referenceTo("hosts", host.id),
    });
  }
}

function seedPowerManagement(engine: Engine, host: Entity): void {
  const hostRef: Reference = engine.referenceTo("hosts", host.id);
  engine.store.put(`${path("hosts", host.id)}/fenceagents`, {
    id: engine.newId(),
    type: "ipmilan",
    address: `${host.name}-ipmi.example.com`,
    username: "admin",
    port: 623,
    order: 1,
    encryptOptions: false,
    options: [{ name: "privlvl", value: "operator" }],
    host: hostRef,
  });
  engine.store.put("hosts", {
    ...host,
    powerManagement: { enabled: true, automaticPmEnabled: true, kdumpDetection: true },
  });
}

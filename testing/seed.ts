/**
 * The inventory a simulator starts with. Always what a fresh engine has: data center and
 * cluster `Default`, network `ovirtmgmt`, MAC pool `Default`, the `Blank` template, the
 * instance types `Tiny` to `XLarge` (`seed_instance_types.ts`), the root tag, user `admin@internal-authz`, roles with their permits, the `Default` quota. Unless
 * `empty`: a second cluster, three hosts, a data and an ISO storage domain (attached,
 * active; an ISO image on the ISO domain, an unregistered VM on the data domain), two more
 * templates, `vms` VMs with a disk and a NIC each (the last one also with a snapshot,
 * "Before upgrade"), what an administrator configures (`seed_configuration.ts`: a VM
 * network, tags, power management...), the Glance repository `ovirt-image-repository`
 * (`behaviours/glance.ts`), and a sample object in every other collection (see
 * `seed_samples.ts`). Ids come from the engine's seeded random source.
 *
 * @module
 */

import { SIMULATOR_READY_CODE } from "./audit_codes.ts";
import type { Engine, Reference } from "./engine.ts";
import { addVmDevices, newMac } from "./behaviours/devices.ts";
import { freezeLayers } from "./behaviours/disk_snapshots.ts";
import { seedGlance } from "./behaviours/glance.ts";
import { guestReport } from "./behaviours/guest.ts";
import { hostDefaults } from "./behaviours/hosts.ts";
import {
  assignManagementNetwork,
  clusterDefaults,
  dataCenterDefaults,
} from "./behaviours/infrastructure.ts";
import { UNREGISTERED } from "./behaviours/imports.ts";
import { attachDomain, domainDefaults } from "./behaviours/storage.ts";
import { ZERO_ID } from "./model.ts";
import { seedBuiltIns, seedConfiguration } from "./seed_configuration.ts";
import { seedInstanceTypes } from "./seed_instance_types.ts";
import { seedSamples } from "./seed_samples.ts";
import type { Entity } from "./store.ts";

const GIB = 1024 ** 3;

/** What to seed. */
export interface SeedOptions {
  /** Only what a fresh engine has. */
  readonly empty: boolean;
  /** How many VMs (ignored when `empty`). */
  readonly vms: number;
}

/** Fills `engine` with the inventory `options` asks for. */
export function seed(engine: Engine, options: SeedOptions): void {
  const base = seedFreshEngine(engine);
  seedBuiltIns(engine);
  seedInstanceTypes(engine);
  if (options.empty) return;
  const inventory = seedInfrastructure(engine, base);
  seedVms(engine, inventory, options.vms);
  seedConfiguration(engine);
  seedGlance(engine);
  seedSamples(engine);
  engine.event(SIMULATOR_READY_CODE, `Simulator ready: ${options.vms} VMs.`);
}

interface FreshEngine {
  readonly dataCenter: Reference;
  readonly cluster: Reference;
  readonly vnicProfile: Reference;
  readonly blank: Reference;
}

interface Inventory {
  readonly clusters: Reference[];
  readonly hosts: Entity[];
  readonly templates: Reference[];
  readonly dataDomain: Reference;
}

function put(engine: Engine, collection: string, value: Record<string, unknown>): Reference {
  const entity = engine.store.put(collection, { id: engine.newId(), ...value } as Entity);
  return engine.referenceTo(collection, entity.id);
}

function seedFreshEngine(engine: Engine): FreshEngine {
  const macPool = put(engine, "macpools", {
    name: "Default",
    description: "Default MAC pool",
    allowDuplicates: false,
    defaultPool: true,
    ranges: [{ from: "56:6f:00:00:00:00", to: "56:6f:ff:ff:ff:ff" }],
  });
  const dataCenter = put(engine, "datacenters", {
    ...dataCenterDefaults(),
    name: "Default",
    description: "The default Data Center",
    macPool,
  });
  const network = put(engine, "networks", {
    name: "ovirtmgmt",
    description: "Management Network",
    dataCenter,
    mtu: 0,
    stp: false,
    required: true,
    usages: ["vm"],
    vdsmName: "ovirtmgmt",
  });
  const vnicProfile = put(engine, "vnicprofiles", {
    name: "ovirtmgmt",
    network,
    portMirroring: false,
  });
  engine.store.put(`networks/${encodeURIComponent(network.id)}/vnicprofiles`, {
    id: vnicProfile.id,
  });
  const cluster = seedCluster(engine, "Default", "The default server cluster", dataCenter);
  const domain = put(engine, "domains", { name: "internal-authz" });
  const admin = put(engine, "users", {
    name: "admin",
    userName: "admin@internal-authz",
    principal: "admin",
    namespace: "*",
    domainEntryId: engine.newId(),
    domain,
  });
  engine.store.put(`domains/${encodeURIComponent(domain.id)}/users`, { id: admin.id });
  seedRoles(engine, admin);
  engine.store.put("tags", { id: ZERO_ID, name: "root", description: "root" });
  engine.store.put("templates", {
    id: ZERO_ID,
    name: "Blank",
    description: "Blank template",
    status: "ok",
    type: "server",
    memory: GIB,
    memoryPolicy: { guaranteed: GIB, max: 4 * GIB, ballooning: true },
    cpu: { architecture: "x86_64", topology: { sockets: 1, cores: 1, threads: 1 } },
    os: { type: "other", boot: { devices: ["hd"] } },
    stateless: false,
    deleteProtected: false,
    origin: "ovirt",
    creationTime: new Date(0),
    version: { versionNumber: 1, baseTemplate: { id: ZERO_ID } },
  });
  for (const [id, name, description] of OPERATING_SYSTEMS) {
    engine.store.put("operatingsystems", { id, name, description, architecture: "x86_64" });
  }
  engine.store.put("clusterlevels", {
    id: "4.7",
    cpuTypes: [{ name: "Intel Icelake Server Family", level: 14, architecture: "x86_64" }],
  });
  for (const name of ["none", "evenly_distributed", "power_saving", "vm_evenly_distributed"]) {
    put(engine, "schedulingpolicies", { name, locked: true, defaultPolicy: name === "none" });
  }
  put(engine, "networkfilters", { name: "vdsm-no-mac-spoofing" });
  engine.store.put("options", {
    id: "MaxVmsInPool",
    name: "MaxVmsInPool",
    values: [{ version: "general", value: "1000" }],
  });
  return { dataCenter, cluster, vnicProfile, blank: engine.referenceTo("templates", ZERO_ID) };
}

const OPERATING_SYSTEMS = [
  ["0", "other", "Other OS"],
  ["1", "rhel_9x64", "Red Hat Enterprise Linux 9.x x64"],
  ["2", "other_linux", "Linux"],
  ["3", "windows_2022", "Windows 2022"],
] as const;

function seedCluster(
  engine: Engine,
  name: string,
  description: string,
  dataCenter: Reference,
): Reference {
  const cluster = put(engine, "clusters", { ...clusterDefaults(), name, description, dataCenter });
  assignManagementNetwork(engine, cluster.id);
  const profile = put(engine, "cpuprofiles", { name, cluster });
  engine.store.put(`clusters/${encodeURIComponent(cluster.id)}/cpuprofiles`, { id: profile.id });
  return cluster;
}

function seedRoles(engine: Engine, admin: Reference): void {
  const roles: Record<string, Reference> = {};
  for (const [name, administrative] of ROLES) {
    roles[name] = put(engine, "roles", {
      name,
      description: `${name} role`,
      administrative,
      mutable: false,
    });
  }
  put(engine, "permissions", { role: roles.SuperUser, user: admin });
}

const ROLES = [
  ["SuperUser", true],
  ["ClusterAdmin", true],
  ["DataCenterAdmin", true],
  ["UserRole", false],
  ["UserVmManager", false],
  ["PowerUserRole", false],
] as const;

function seedInfrastructure(engine: Engine, base: FreshEngine): Inventory {
  const second = seedCluster(engine, "Production", "A second cluster", base.dataCenter);
  const clusters = [base.cluster, second];
  const hosts = [1, 2, 3].map((n) => {
    const cluster = n < 3 ? base.cluster : second;
    const host = put(engine, "hosts", {
      ...hostDefaults(),
      name: `host${n}`,
      address: `host${n}.example.com`,
      status: "up",
      cluster,
      spm: { status: n === 1 ? "spm" : "none", priority: 5 },
    });
    engine.store.put(`hosts/${encodeURIComponent(host.id)}/nics`, {
      id: engine.newId(),
      name: "eth0",
      mac: { address: newMac(engine) },
      ip: { address: `192.0.2.${10 + n}`, netmask: "255.255.255.0", version: "v4" },
      bootProtocol: "static",
      speed: 10_000_000_000,
      status: "up",
      mtu: 1500,
      bridged: true,
      host,
    });
    return engine.store.get("hosts", host.id)!;
  });
  const dataDomain = put(engine, "storagedomains", {
    ...domainDefaults(),
    name: "data",
    description: "NFS data domain",
    type: "data",
    storage: { type: "nfs", address: "nfs.example.com", path: "/exports/data" },
  });
  const isoDomain = put(engine, "storagedomains", {
    ...domainDefaults(),
    name: "iso",
    description: "NFS ISO domain",
    type: "iso",
    storage: { type: "nfs", address: "nfs.example.com", path: "/exports/iso" },
  });
  seedDomainContent(engine, dataDomain, isoDomain, base);
  for (const domain of [dataDomain, isoDomain]) {
    attachDomain(engine, base.dataCenter.id, domain.id, "active");
    const profile = put(engine, "diskprofiles", {
      name: domain.id === dataDomain.id ? "data" : "iso",
      storageDomain: domain,
    });
    engine.store.put(`storagedomains/${encodeURIComponent(domain.id)}/diskprofiles`, {
      id: profile.id,
    });
  }
  engine.store.put("datacenters", {
    ...engine.store.get("datacenters", base.dataCenter.id)!,
    status: "up",
  });
  const templates = [
    base.blank,
    seedTemplate(engine, "centos9", "CentOS Stream 9", 10 * GIB, base, dataDomain),
    seedTemplate(engine, "fedora40", "Fedora 40", 20 * GIB, base, dataDomain),
  ];
  return { clusters, hosts, templates, dataDomain };
}

/** Id of the unregistered VM on the data domain: fixed, it draws nothing from the random source. */
const UNREGISTERED_VM_ID = "0ddba11a-0000-4000-8000-000000000001";

/**
 * What the storage domains hold besides disks: an ISO image on the ISO domain (the id of
 * a file on an ISO domain is its name), and on the data domain VM `oldvm`, left there by
 * another setup and not registered in this one.
 */
function seedDomainContent(
  engine: Engine,
  dataDomain: Reference,
  isoDomain: Reference,
  base: FreshEngine,
): void {
  const iso = "centos-stream-9.iso";
  engine.store.put(`storagedomains/${encodeURIComponent(isoDomain.id)}/files`, {
    id: iso,
    name: iso,
    type: "iso",
    storageDomain: isoDomain,
  });
  engine.store.put(`storagedomains/${encodeURIComponent(dataDomain.id)}/vms`, {
    id: UNREGISTERED_VM_ID,
    name: "oldvm",
    description: "A VM of another setup, found on the data domain",
    status: "down",
    type: "server",
    memory: GIB,
    cpu: { architecture: "x86_64", topology: { sockets: 1, cores: 1, threads: 1 } },
    os: { type: "other_linux", boot: { devices: ["hd"] } },
    template: base.blank,
    origin: "ovirt",
    storageDomain: dataDomain,
    [UNREGISTERED]: true,
  });
}

function seedTemplate(
  engine: Engine,
  name: string,
  description: string,
  size: number,
  base: FreshEngine,
  domain: Reference,
): Reference {
  const template = put(engine, "templates", {
    name,
    description,
    status: "ok",
    type: "server",
    memory: 2 * GIB,
    memoryPolicy: { guaranteed: 2 * GIB, max: 8 * GIB, ballooning: true },
    cpu: { architecture: "x86_64", topology: { sockets: 2, cores: 1, threads: 1 } },
    os: { type: "rhel_9x64", boot: { devices: ["hd"] } },
    cluster: base.cluster,
    stateless: false,
    deleteProtected: false,
    origin: "ovirt",
    creationTime: new Date(),
  });
  engine.store.put("templates", {
    ...engine.store.get("templates", template.id)!,
    version: { versionNumber: 1, baseTemplate: template },
  });
  const path = `templates/${encodeURIComponent(template.id)}`;
  const owner = { template };
  const disk = seedDisk(engine, `${name}_disk`, size, domain);
  engine.store.put(`${path}/diskattachments`, diskAttachment(disk, owner));
  engine.store.put(`${path}/nics`, nic(engine, base.vnicProfile, owner));
  engine.store.put(`${path}/graphicsconsoles`, { id: engine.newId(), protocol: "vnc", ...owner });
  return template;
}

function seedDisk(engine: Engine, name: string, size: number, domain: Reference): Reference {
  return put(engine, "disks", {
    name,
    alias: name,
    provisionedSize: size,
    actualSize: Math.floor(size / 4),
    totalSize: Math.floor(size / 4),
    format: "cow",
    sparse: true,
    status: "ok",
    shareable: false,
    wipeAfterDelete: false,
    propagateErrors: false,
    contentType: "data",
    storageType: "image",
    imageId: engine.newId(),
    storageDomains: [domain],
  });
}

function diskAttachment(disk: Reference, owner: Record<string, Reference>): Entity {
  return {
    id: disk.id,
    bootable: true,
    interface: "virtio_scsi",
    active: true,
    passDiscard: false,
    readOnly: false,
    usesScsiReservation: false,
    disk,
    ...owner,
  };
}

function nic(engine: Engine, vnicProfile: Reference, owner: Record<string, Reference>): Entity {
  return {
    id: engine.newId(),
    name: "nic1",
    interface: "virtio",
    linked: true,
    plugged: true,
    mac: { address: newMac(engine) },
    vnicProfile,
    ...owner,
  };
}

function seedVms(engine: Engine, inventory: Inventory, count: number): void {
  const vnicProfile = engine.store.items("vnicprofiles")[0];
  const profile = engine.referenceTo("vnicprofiles", vnicProfile.id);
  const started = new Date(Date.now() - 3600_000);
  const width = Math.max(3, String(count).length);
  for (let i = 1; i <= count; i++) {
    const name = `vm${String(i).padStart(width, "0")}`;
    const cluster = inventory.clusters[i % 4 === 0 ? 1 : 0];
    const hosts = inventory.hosts.filter((host) => (host.cluster as Reference).id === cluster.id);
    const template = inventory.templates[1 + (i % 2)];
    const up = i % 3 !== 0;
    const os = { type: "rhel_9x64", boot: { devices: ["hd"] } };
    const host = up ? engine.referenceTo("hosts", hosts[i % hosts.length].id) : undefined;
    const vm = put(engine, "vms", {
      name,
      description: `Seeded VM ${i}`,
      status: up ? "up" : "down",
      type: "server",
      memory: 2 * GIB,
      memoryPolicy: { guaranteed: 2 * GIB, max: 8 * GIB, ballooning: true },
      cpu: { architecture: "x86_64", topology: { sockets: 2, cores: 1, threads: 1 } },
      os,
      cluster,
      template,
      originalTemplate: template,
      host,
      startTime: up ? started : undefined,
      ...(up ? guestReport({ name, os }) : {}),
      creationTime: started,
      stateless: false,
      deleteProtected: false,
      origin: "ovirt",
      runOnce: false,
      nextRunConfigurationExists: false,
      highAvailability: { enabled: false, priority: 0 },
      display: { type: "vnc" },
      placementPolicy: { affinity: "migratable" },
    });
    const path = `vms/${encodeURIComponent(vm.id)}`;
    const owner = { vm };
    const disk = seedDisk(engine, `${name}_disk1`, 10 * GIB, inventory.dataDomain);
    engine.store.put(`${path}/diskattachments`, diskAttachment(disk, owner));
    engine.store.put(`${path}/nics`, nic(engine, profile, owner));
    addVmDevices(engine, path, vm);
    if (i === count) seedSnapshot(engine, path, vm);
  }
}

/** A regular snapshot of VM `vm` at `path`, with its disk's layer frozen. */
function seedSnapshot(engine: Engine, path: string, vm: Reference): void {
  const snapshot = put(engine, `${path}/snapshots`, {
    description: "Before upgrade",
    snapshotType: "regular",
    snapshotStatus: "ok",
    date: new Date(Date.now() - 86_400_000),
    persistMemorystate: false,
    vm,
  });
  freezeLayers(engine, path, snapshot.id);
}

/**
 * Data centers, clusters, roles and users: defaults a new object gets, the links the
 * engine makes on its own (a new cluster gets the management network, a new role's
 * permits are listed below it), and refusals to remove what is still in use.
 *
 * @module
 */

import { conflict, Refusal } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject } from "../generic.ts";
import type { Entity } from "../store.ts";
import { setMaster } from "./storage.ts";

/** The values of a new data center (seeded or added). */
export function dataCenterDefaults(): Record<string, unknown> {
  return {
    local: false,
    status: "uninitialized",
    storageFormat: "v5",
    quotaMode: "disabled",
    version: { major: 4, minor: 7 },
    supportedVersions: [{ major: 4, minor: 7 }],
  };
}

/** The values of a new cluster (seeded or added). */
export function clusterDefaults(): Record<string, unknown> {
  return {
    cpu: { architecture: "x86_64", type: "Intel Icelake Server Family" },
    version: { major: 4, minor: 7 },
    memoryPolicy: { overCommit: { percent: 100 } },
    virtService: true,
    glusterService: false,
    threadsAsCores: false,
    ballooningEnabled: true,
    firewallType: "firewalld",
    switchType: "legacy",
    biosType: "q35_ovmf",
  };
}

/** Assigns the data center's `ovirtmgmt` network to cluster `clusterId`, as the engine does. */
export function assignManagementNetwork(engine: Engine, clusterId: string): void {
  const cluster = engine.store.get("clusters", clusterId);
  const dcId = (cluster?.dataCenter as Reference | undefined)?.id;
  const network = engine.store.find(
    "networks",
    (entity) =>
      entity.name === "ovirtmgmt" && (entity.dataCenter as Reference | undefined)?.id === dcId,
  );
  if (!network) return;
  engine.store.put(`clusters/${encodeURIComponent(clusterId)}/networks`, {
    id: network.id,
    required: true,
    display: false,
    usages: ["management", "vm", "display", "migration"],
    cluster: engine.referenceTo("clusters", clusterId),
  });
  engine.store.put("clusters", {
    ...cluster!,
    managementNetwork: engine.referenceTo("networks", network.id),
  });
}

/** Permits (the engine's action groups) by id: name and whether it is administrative. */
export const PERMITS: Readonly<Record<string, readonly [string, boolean]>> = {
  "1": ["create_vm", false],
  "2": ["delete_vm", false],
  "3": ["edit_vm_properties", false],
  "4": ["vm_basic_operations", false],
  "5": ["change_vm_cd", false],
  "6": ["migrate_vm", false],
  "7": ["connect_to_vm", false],
  "100": ["create_host", true],
  "101": ["edit_host_configuration", true],
  "102": ["delete_host", true],
  "1300": ["login", false],
};

/** Stores known permit `id` below role `roleId` (`roles/{id}/permits`), named from {@link PERMITS}. */
export function addPermit(engine: Engine, roleId: string, id: string): Entity {
  const [name, administrative] = PERMITS[id];
  return engine.store.put(`roles/${encodeURIComponent(roleId)}/permits`, {
    id,
    name,
    administrative,
    role: engine.referenceTo("roles", roleId),
  });
}

function usedBy(engine: Engine, collection: string, member: string, id: string): Entity[] {
  return engine.store.items(collection).filter((entity) =>
    (entity[member] as Reference | undefined)?.id === id
  );
}

const clusters: Behaviour = {
  add(call, body) {
    const added = addObject(call, { ...clusterDefaults(), ...body });
    assignManagementNetwork(call.engine, added.id);
    return call.engine.store.get("clusters", added.id)!;
  },
};

const cluster: Behaviour = {
  remove(call, entity) {
    if (
      usedBy(call.engine, "hosts", "cluster", entity.id).length ||
      usedBy(call.engine, "vms", "cluster", entity.id).length
    ) {
      throw conflict("Cannot remove Cluster. There are Hosts or VMs in the Cluster.");
    }
  },
};

const dataCenter: Behaviour = {
  remove(call, entity) {
    if (
      usedBy(call.engine, "clusters", "dataCenter", entity.id).length &&
      call.query.get("force") !== "true"
    ) {
      throw conflict("Cannot remove Data Center. There are Clusters in the Data Center.");
    }
  },
  actions: { setmaster: setMaster },
};

const roles: Behaviour = {
  add(call, body) {
    const { permits, ...settings } = body;
    const ids = ((permits as { id?: string; name?: string }[] | undefined) ?? []).map((permit) =>
      permit.id ?? Object.keys(PERMITS).find((id) => PERMITS[id][0] === permit.name) ??
        String(permit.name)
    );
    const unknown = ids.find((id) => !PERMITS[id]);
    if (unknown !== undefined) {
      throw new Refusal(400, "Invalid value", `Invalid value for permit: ${unknown}`);
    }
    const role = addObject(call, { administrative: false, mutable: true, ...settings });
    for (const id of ids) addPermit(call.engine, role.id, id);
    return role;
  },
};

const users: Behaviour = {
  add(call, body) {
    const userName = body.userName as string;
    const [name] = userName.split("@");
    return addObject(call, {
      name,
      principal: name,
      namespace: "*",
      ...body,
      domainEntryId: call.engine.newId(),
    });
  },
};

/** Behaviours of data centers, clusters, roles and users, by service name. */
export const INFRASTRUCTURE_BEHAVIOURS: Record<string, Behaviour> = {
  DataCentersService: {
    add: (call, body) => addObject(call, { ...dataCenterDefaults(), ...body }),
  },
  DataCenterService: dataCenter,
  ClustersService: clusters,
  ClusterService: cluster,
  RolesService: roles,
  UsersService: users,
};

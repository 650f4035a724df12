/**
 * Data centers, clusters, roles, users and groups: defaults a new object gets, the links the
 * engine makes on its own (a new data center gets the management network `ovirtmgmt` and
 * its vNIC profile, a new cluster a management network picked as the engine picks it, a
 * new role's permits are listed below it), a group added again is the one there is,
 * refusals to remove what is still in use, and data center and cluster names the engine
 * refuses, on add and update (`names.ts`).
 *
 * @module
 */

import { conflict, notFound, Refusal } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject, updateObject } from "../generic.ts";
import { checkName } from "../names.ts";
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

/** The name of the management network the engine makes with every data center. */
const MANAGEMENT_NETWORK = "ovirtmgmt";

/**
 * Adds the management network `ovirtmgmt` (a VM network) and its vNIC profile to data
 * center `dataCenterId`, as the engine does for every new data center.
 */
function addDefaultNetworks(engine: Engine, dataCenterId: string): void {
  const network = engine.store.put("networks", {
    id: engine.newId(),
    name: MANAGEMENT_NETWORK,
    description: "Management Network",
    dataCenter: engine.referenceTo("datacenters", dataCenterId),
    mtu: 0,
    stp: false,
    usages: ["vm"],
    vdsmName: MANAGEMENT_NETWORK,
  });
  const profile = engine.store.put("vnicprofiles", {
    id: engine.newId(),
    name: MANAGEMENT_NETWORK,
    network: engine.referenceTo("networks", network.id),
    portMirroring: false,
  });
  engine.store.put(`networks/${encodeURIComponent(network.id)}/vnicprofiles`, { id: profile.id });
}

function networksOf(engine: Engine, dataCenterId: string): Entity[] {
  return engine.store.items("networks").filter((network) =>
    (network.dataCenter as Reference | undefined)?.id === dataCenterId
  );
}

/**
 * The management network of a new cluster of data center `dataCenterId`, as the engine
 * picks it: the one the request names (by id, or by name within the data center), else
 * the data center's `ovirtmgmt`, else its only network (not an external one), else the
 * one network that manages its other clusters; refused when there is none.
 */
function managementNetworkFor(
  engine: Engine,
  dataCenterId: string,
  given: { id?: unknown; name?: unknown } | undefined,
): Entity {
  const networks = networksOf(engine, dataCenterId);
  if (given !== undefined) {
    const found = given.id !== undefined
      ? engine.store.get("networks", String(given.id))
      : networks.find((network) => network.name === given.name);
    if (!found && given.id !== undefined) {
      throw conflict("The specified Logical Network doesn't exist.");
    }
    if (!found) throw notFound(`Network: ${given.name}`);
    if ((found.dataCenter as Reference | undefined)?.id !== dataCenterId) {
      throw conflict("Cannot create Cluster. Network belongs to a different data-center.");
    }
    return found;
  }
  const managing = new Set(
    engine.store.items("clusters").filter((cluster) =>
      (cluster.dataCenter as Reference | undefined)?.id === dataCenterId
    ).flatMap((cluster) => (cluster.managementNetwork as Reference | undefined)?.id ?? []),
  );
  const picked = networks.find((network) => network.name === MANAGEMENT_NETWORK) ??
    (networks.length === 1 && networks[0].externalProvider === undefined
      ? networks[0]
      : managing.size === 1
      ? engine.store.get("networks", [...managing][0])
      : undefined);
  if (!picked) {
    throw conflict(
      "Cannot create Cluster. No single suitable network was found to serve as the " +
        "management network.",
    );
  }
  return picked;
}

/**
 * Assigns network `networkId` (by default the data center's `ovirtmgmt`) to cluster
 * `clusterId` as its management network, as the engine does.
 */
export function assignManagementNetwork(
  engine: Engine,
  clusterId: string,
  networkId?: string,
): void {
  const cluster = engine.store.get("clusters", clusterId);
  const dcId = (cluster?.dataCenter as Reference | undefined)?.id;
  const network = networkId !== undefined
    ? engine.store.get("networks", networkId)
    : engine.store.find(
      "networks",
      (entity) =>
        entity.name === MANAGEMENT_NETWORK &&
        (entity.dataCenter as Reference | undefined)?.id === dcId,
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
    checkName("cluster", body.name, "add");
    const { engine } = call;
    const { managementNetwork: given, ...settings } = body;
    const dataCenter = settings.dataCenter as Record<string, unknown> | undefined;
    const dataCenterId = dataCenter ? engine.resolve("DataCenter", dataCenter).id as string : "";
    const network = dataCenter
      ? managementNetworkFor(engine, dataCenterId, given as Record<string, unknown> | undefined)
      : undefined;
    const added = addObject(call, { ...clusterDefaults(), ...settings });
    if (network) assignManagementNetwork(engine, added.id, network.id);
    return engine.store.get("clusters", added.id)!;
  },
};

const cluster: Behaviour = {
  update(call, entity, changes) {
    checkName("cluster", changes.name ?? entity.name, "edit");
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
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
  update(call, entity, changes) {
    checkName("dataCenter", changes.name ?? entity.name, "edit");
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
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

/**
 * Adding a user: as on the engine, its `user_name` is `login@directory`, whether the name
 * given ends with `@` and the directory's name (`alice@internal-authz`) or not (`alice`).
 * A name in the sign-in form, ending with the directory's profile (`bob@internal`), is no
 * login of the directory: the engine's 400 "No such user".
 */
const users: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const domain = engine.resolve("Domain", body.domain as Record<string, unknown>);
    const directory = String(engine.homeObject("Domain", domain.id as string)!.name);
    const given = body.userName as string;
    const login = given.endsWith(`@${directory}`) ? given.slice(0, -directory.length - 1) : given;
    // `bob@internal` (the sign-in form, with the profile) is looked up as that login.
    if (login.endsWith(`@${directory.replace(/-authz$/, "")}`)) {
      throw new Refusal(400, "Operation Failed", `No such user: ${given} in domain ${directory}`);
    }
    const [name] = login.split("@");
    return addObject(call, {
      name,
      principal: login,
      namespace: "*",
      ...body,
      userName: `${login}@${directory}`,
      domainEntryId: engine.newId(),
    });
  },
};

/**
 * Adding a directory group: the engine answers the group it already has for the same
 * group of the same directory (same id, no second one), as its `AddGroupCommand` does.
 */
const groups: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const domain = body.domain as Record<string, unknown> | undefined;
    const domainId = domain ? engine.resolve("Domain", domain).id : undefined;
    const existing = engine.store.find(
      "groups",
      (group) =>
        group.name === body.name && (group.domain as Reference | undefined)?.id === domainId,
    );
    return existing ?? addObject(call, body);
  },
};

/** Behaviours of data centers, clusters, roles, users and groups, by service name. */
export const INFRASTRUCTURE_BEHAVIOURS: Record<string, Behaviour> = {
  DataCentersService: {
    add(call, body) {
      checkName("dataCenter", body.name, "add");
      const added = addObject(call, { ...dataCenterDefaults(), ...body });
      addDefaultNetworks(call.engine, added.id);
      return added;
    },
  },
  DataCenterService: dataCenter,
  ClustersService: clusters,
  ClusterService: cluster,
  RolesService: roles,
  UsersService: users,
  GroupsService: groups,
};

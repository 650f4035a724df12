/**
 * Logical networks: a network added below a data center belongs to it; a new VM network
 * (the default: `usages` absent or with `vm`) gets a vNIC profile of its own name, as the
 * engine makes one; removing a network removes its profiles; the management network of a
 * cluster cannot be removed, nor a network that NICs of VMs or templates use (named as the
 * engine names them). A network is attached to a cluster once. A vNIC profile, added on
 * the network its body names (below a network: that one, unless the body names another),
 * is listed below its network, and no two profiles of a network share a name.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject, updateObject, withReferences } from "../generic.ts";
import type { Entity } from "../store.ts";

function addNetwork(call: Call, body: Entity): Entity {
  const { engine } = call;
  const network = addObject(call, { usages: ["vm"], ...body });
  if ((network.usages as string[]).includes("vm")) {
    const profile = engine.store.put("vnicprofiles", {
      id: engine.newId(),
      name: network.name,
      network: engine.referenceTo("networks", network.id),
      portMirroring: false,
    });
    engine.store.put(`networks/${encodeURIComponent(network.id)}/vnicprofiles`, {
      id: profile.id,
    });
  }
  return network;
}

/** The engine's words for the users of a network, one and many. */
const USERS = {
  vms: ["virtual machine", "virtual machines"],
  templates: ["template", "templates"],
} as const;

/** Names printed in a list of users at most (`ReplacementUtils`), then `...`. */
const LISTED = 5;

/** The names of the VMs or templates (`owners`) with a NIC on a vNIC profile of `networkId`. */
function usersOf(engine: Engine, owners: "vms" | "templates", networkId: string): string[] {
  const profiles = new Set(
    engine.store.items("vnicprofiles")
      .filter((profile) => (profile.network as Reference | undefined)?.id === networkId)
      .map((profile) => profile.id),
  );
  return engine.store.items(owners)
    .filter((owner) =>
      engine.store.items(`${owners}/${encodeURIComponent(owner.id)}/nics`).some((nic) =>
        profiles.has((nic.vnicProfile as Reference | undefined)?.id as string)
      )
    )
    .map((owner) => String(owner.name));
}

/**
 * Refuses to remove network `networkId` while VMs, then templates, use it
 * (`NetworkValidator.networkNotUsedByVms` and `...ByTemplates`), naming them.
 */
function checkNotUsed(engine: Engine, networkId: string): void {
  for (const owners of ["vms", "templates"] as const) {
    const names = usersOf(engine, owners, networkId);
    if (names.length === 0) continue;
    const [one, many] = USERS[owners];
    if (names.length === 1) {
      throw conflict(
        `Cannot remove Network. This logical network is used by ${one}: ${names[0]}\n` +
          ` - Please remove it from this ${one} and try again.`,
      );
    }
    const listed = names.slice(0, LISTED).map((name) => `\t${name}`);
    if (names.length > LISTED) listed.push("\t...");
    throw conflict(
      `Cannot remove Network. This logical network is used by ${many}: (${names.length}): ` +
        `${listed.join(",\n")}\n - Please detach ${many} using this logical network and try again.`,
    );
  }
}

/** Attaches a network to a cluster, refusing one attached there already. */
function attachToCluster(call: Call, body: Entity): Entity {
  const id = call.engine.resolve("Network", body).id as string;
  if (call.engine.store.get(call.location.path, id)) {
    throw conflict("Logical Network is already attached to Cluster.");
  }
  return addObject(call, body);
}

const network: Behaviour = {
  remove({ engine }, entity) {
    const managing = engine.store.find(
      "clusters",
      (cluster) => (cluster.managementNetwork as Reference | undefined)?.id === entity.id,
    );
    if (managing) {
      throw badParameters(
        `The Management Network ('${entity.name}') is mandatory and cannot be removed.`,
      );
    }
    checkNotUsed(engine, entity.id);
    for (const profile of engine.store.items("vnicprofiles")) {
      if ((profile.network as Reference | undefined)?.id === entity.id) {
        engine.store.delete("vnicprofiles", profile.id);
      }
    }
  },
};

/**
 * Refuses a vNIC profile `profile` (to be stored) whose name another profile of the same
 * network has (`VnicProfileValidator.vnicProfileNameNotUsed`); `verb` is `add` or `edit`.
 */
function checkProfileName(engine: Engine, profile: Entity, verb: string): void {
  const network = (profile.network as Reference | undefined)?.id;
  const taken = engine.store.find(
    "vnicprofiles",
    (other) =>
      other.id !== profile.id && other.name === profile.name &&
      (other.network as Reference | undefined)?.id === network,
  );
  if (taken) {
    throw conflict(
      `Cannot ${verb} VM network interface profile. The VM network interface profile's name is already used by an existing profile for the same network.\n-Please choose a different name.`,
    );
  }
}

/**
 * Adds a vNIC profile on the network `body` names, else on network `networkId` (the
 * engine's REST layer takes the body's network id first, below a network too), listed
 * below that network.
 */
function addProfile(call: Call, body: Entity, networkId?: string): Entity {
  const { engine } = call;
  const named = body.network as Reference | undefined;
  const network = named?.id !== undefined || networkId === undefined ? named : { id: networkId };
  const described = withReferences(engine, "VnicProfile", { ...body, network });
  const profile = { ...described, id: engine.newId() };
  checkProfileName(engine, profile, "add");
  const stored = engine.store.put("vnicprofiles", profile);
  const on = (stored.network as Reference | undefined)?.id;
  if (on !== undefined) {
    engine.store.put(`networks/${encodeURIComponent(on)}/vnicprofiles`, { id: stored.id });
  }
  return stored;
}

/** A vNIC profile, renamed only to a name no other profile of its network has. */
const profile: Behaviour = {
  update(call, entity, changes) {
    if (typeof changes.name === "string") {
      checkProfileName(call.engine, { ...entity, name: changes.name }, "edit");
    }
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
};

/** Behaviours of the network services, by service name. */
export const NETWORK_BEHAVIOURS: Record<string, Behaviour> = {
  NetworksService: { add: addNetwork },
  DataCenterNetworksService: {
    add: (call, body) =>
      addNetwork(call, { ...body, dataCenter: { id: call.location.parent!.id! } }),
  },
  ClusterNetworksService: { add: attachToCluster },
  NetworkService: network,
  DataCenterNetworkService: network,
  VnicProfilesService: { add: (call, body) => addProfile(call, body) },
  AssignedVnicProfilesService: {
    add: (call, body) => addProfile(call, body, call.location.parent!.id!),
  },
  VnicProfileService: profile,
  AssignedVnicProfileService: profile,
};

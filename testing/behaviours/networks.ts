/**
 * Logical networks: a network added below a data center belongs to it; a new VM network
 * (the default: `usages` absent or with `vm`) gets a vNIC profile of its own name, as the
 * engine makes one; removing a network removes its profiles; the management network of a
 * cluster cannot be removed, nor a network that NICs of VMs or templates use (named as the
 * engine names them). A network is attached to a cluster once.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject } from "../generic.ts";
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
};

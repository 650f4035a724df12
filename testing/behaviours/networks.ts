/**
 * Logical networks: a network added below a data center belongs to it; a new VM network
 * (the default: `usages` absent or with `vm`) gets a vNIC profile of its own name, as the
 * engine makes one; removing a network removes its profiles; the management network of a
 * cluster cannot be removed.
 *
 * @module
 */

import { badParameters } from "../answers.ts";
import type { Behaviour, Call } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
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
  NetworkService: network,
  DataCenterNetworkService: network,
};

/**
 * What `setupnetworks` checks before changing anything, in the engine's order
 * (`HostSetupNetworksValidator.validate`): every network it attaches is one of the host's
 * cluster; every attachment it removes exists, is not of the cluster's management network
 * and not of a network a VM running on the host has a plugged NIC on; no network ends up on
 * two NICs of the host.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";

type Named = { id?: string; name?: string };

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value : [];
}

/** Refuses the attachments of `setupnetworks` parameters `params` as the engine does. */
export function checkAttachments(call: Call, params: Record<string, unknown>): void {
  const { engine, location } = call;
  const host = engine.store.get("hosts", location.id!)!;
  const clusterId = (host.cluster as Reference | undefined)?.id ?? "";
  const inCluster = `clusters/${encodeURIComponent(clusterId)}/networks`;
  const removed = new Set(list(params.removedNetworkAttachments).map((item) => String(item.id)));
  const networkOf = new Map<string, string>();
  for (const attachment of engine.store.items(`${location.path}/networkattachments`)) {
    if (!removed.has(attachment.id)) {
      networkOf.set(attachment.id, (attachment.network as Reference).id);
    }
  }
  list(params.modifiedNetworkAttachments).forEach((attachment, index) => {
    if (!attachment.network) return;
    const network = engine.resolve("Network", attachment.network as Named);
    const id = network.id as string;
    if (!engine.store.get(inCluster, id)) {
      const name = engine.store.get("networks", id)!.name;
      throw badParameters(`Logical Network '${name}' does not exist in Cluster.`);
    }
    networkOf.set(typeof attachment.id === "string" ? attachment.id : `new ${index}`, id);
  });
  checkRemovals(engine, host, list(params.removedNetworkAttachments), location.path);
  const seen = new Set<string>();
  for (const id of networkOf.values()) {
    if (seen.has(id)) {
      const name = engine.store.get("networks", id)?.name;
      throw conflict(
        `Cannot setup Networks. The following Logical Networks are attached to more than one Network Interface: ${name}.`,
      );
    }
    seen.add(id);
  }
}

/** How many names a list in an engine message shows (`ReplacementUtils`), then `...`. */
const LISTED = 5;

/** Names as a list variable of an engine message with separator `,` shows them. */
function listed(names: string[]): string {
  const shown = names.slice(0, LISTED).map((name) => ` ${name}`);
  if (names.length > LISTED) shown.push(" ...");
  return shown.join(",");
}

/** The names of the VMs running on `host` with a plugged NIC on network `networkId`. */
function vmsUsing(engine: Engine, host: Entity, networkId: string): string[] {
  return engine.store.items("vms").filter((vm) =>
    (vm.host as Reference | undefined)?.id === host.id &&
    engine.store.items(`vms/${encodeURIComponent(vm.id)}/nics`).some((nic) => {
      const profileId = (nic.vnicProfile as Reference | undefined)?.id;
      const profile = profileId === undefined
        ? undefined
        : engine.store.get("vnicprofiles", profileId);
      return nic.plugged !== false && (profile?.network as Reference | undefined)?.id === networkId;
    })
  ).map((vm) => String(vm.name));
}

/**
 * Refuses the attachments `removed` of host `host` (at `hostPath`): one that does not exist
 * (400), the management network's (400), one of a network VMs running on the host use.
 */
function checkRemovals(
  engine: Engine,
  host: Entity,
  removed: Record<string, unknown>[],
  hostPath: string,
): void {
  const attachments = `${hostPath}/networkattachments`;
  const missing = removed.map((item) => String(item.id)).filter((id) =>
    !engine.store.get(attachments, id)
  );
  if (missing.length > 0) {
    throw badParameters(
      "Cannot setup Networks. Cannot remove following Network Attachments, because they do " +
        `not exist: ${missing.map((id) => `\t${id}`).join(",\n")}.`,
    );
  }
  const clusterId = (host.cluster as Reference | undefined)?.id ?? "";
  const cluster = engine.store.get("clusters", clusterId);
  const management = (cluster?.managementNetwork as Reference | undefined)?.id;
  for (const item of removed) {
    const networkId = (engine.store.get(attachments, String(item.id))!.network as Reference).id;
    const name = String(engine.store.get("networks", networkId)?.name ?? networkId);
    if (networkId === management) {
      throw badParameters(`The Management Network ('${name}') is mandatory and cannot be removed.`);
    }
    const vms = vmsUsing(engine, host, networkId);
    if (vms.length > 0) {
      throw conflict(
        `Cannot setup Networks. The following Logical Network: '${listed([name])}' is being used ` +
          `by the following VM(s): '${listed(vms)}' . Please stop the VM(s) and try again.`,
      );
    }
  }
}

/**
 * What `setupnetworks` checks before changing anything: every network it attaches is one
 * of the host's cluster, and no network ends up on two NICs of the host.
 *
 * @module
 */

import { badParameters, conflict } from "../answers.ts";
import type { Call } from "../behaviour.ts";
import type { Reference } from "../engine.ts";

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

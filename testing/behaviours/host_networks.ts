/**
 * Host networking: `setupnetworks` creates, changes and removes bonds (NICs of the host
 * with `bonding`, made of existing NICs) and network attachments (a network on a NIC,
 * with its IP address assignments), once `setup_networks_checks.ts` accepts them;
 * `commitnetconfig` makes it persistent (nothing to do here).
 *
 * @module
 */

import { notFound, Refusal } from "../answers.ts";
import type { ActionHandler, Call } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { checkAttachments } from "./setup_networks_checks.ts";

type Named = { id?: string; name?: string };

function nicsPath(call: Call): string {
  return `${call.location.path}/nics`;
}

function findNic(call: Call, wanted: Named | undefined): Entity | undefined {
  if (!wanted) return undefined;
  return call.engine.store.find(
    nicsPath(call),
    (nic) => wanted.id !== undefined ? nic.id === wanted.id : nic.name === wanted.name,
  );
}

function nicOrRefusal(call: Call, wanted: Named | undefined): Entity {
  const nic = findNic(call, wanted);
  if (!nic) throw notFound(`HostNic: ${wanted?.id ?? wanted?.name ?? "(none)"}`);
  return nic;
}

function nicReference(call: Call, nic: Entity): Reference {
  return { id: nic.id, href: call.engine.href(`${nicsPath(call)}/${encodeURIComponent(nic.id)}`) };
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value : [];
}

function setupBonds(call: Call, params: Record<string, unknown>): void {
  const { engine } = call;
  for (const bond of list(params.removedBonds)) {
    const found = nicOrRefusal(call, bond);
    engine.store.delete(nicsPath(call), found.id);
  }
  for (const bond of list(params.modifiedBonds)) {
    const bonding = (bond.bonding ?? {}) as Record<string, unknown>;
    const slaves = list(bonding.slaves).map((slave) => nicOrRefusal(call, slave));
    if (slaves.length < 2 && !findNic(call, bond)) {
      throw new Refusal(400, "Invalid value", "A bond needs at least two slave NICs.");
    }
    const existing = findNic(call, bond);
    const { id: _id, href: _href, ...settings } = bond;
    engine.store.put(nicsPath(call), {
      bootProtocol: "none",
      status: "up",
      mtu: 1500,
      bridged: false,
      ...existing,
      ...settings,
      id: existing?.id ?? engine.newId(),
      mac: existing?.mac ?? slaves[0]?.mac,
      speed: existing?.speed ?? slaves.reduce((sum, slave) => sum + Number(slave.speed ?? 0), 0),
      bonding: {
        ...(existing?.bonding as object | undefined),
        ...bonding,
        ...(slaves.length ? { slaves: slaves.map((slave) => nicReference(call, slave)) } : {}),
      },
      host: engine.referenceTo("hosts", call.location.id!),
    });
  }
}

function setupAttachments(call: Call, params: Record<string, unknown>): void {
  const { engine } = call;
  const attachments = `${call.location.path}/networkattachments`;
  // `checkAttachments` has refused the removal of an attachment that does not exist.
  for (const attachment of list(params.removedNetworkAttachments)) {
    engine.store.delete(attachments, String(attachment.id));
  }
  for (const attachment of list(params.modifiedNetworkAttachments)) {
    const existing = typeof attachment.id === "string"
      ? engine.store.get(attachments, attachment.id)
      : undefined;
    if (attachment.id !== undefined && !existing) {
      throw notFound(`NetworkAttachment: id=${attachment.id}`);
    }
    const network = attachment.network
      ? engine.resolve("Network", attachment.network as Named)
      : existing?.network;
    if (!network) {
      throw new Refusal(400, "Incomplete parameters", "NetworkAttachment [network] required");
    }
    const nic = attachment.hostNic
      ? nicReference(call, nicOrRefusal(call, attachment.hostNic as Named))
      : existing?.hostNic;
    if (!nic) {
      throw new Refusal(400, "Incomplete parameters", "NetworkAttachment [hostNic] required");
    }
    engine.store.put(attachments, {
      ...existing,
      ...attachment,
      id: existing?.id ?? engine.newId(),
      network,
      hostNic: nic,
      inSync: true,
      host: engine.referenceTo("hosts", call.location.id!),
    });
  }
}

/** The host networking actions, by URL segment. */
export const HOST_NETWORK_ACTIONS: Record<string, ActionHandler> = {
  setupnetworks: (call, _host, params) => {
    checkAttachments(call, params);
    setupBonds(call, params);
    setupAttachments(call, params);
  },
};

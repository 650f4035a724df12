/**
 * Exporting VMs and templates (the `export` action of both): to an export storage domain,
 * where a copy of the configuration appears under `storagedomains/{id}/vms` (or
 * `templates`) with the same id; or as an OVA file in a directory of a host, which leaves
 * an event naming the file. The object is locked for one step either way. An export
 * domain must be active in the data center of the object, and a VM down.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { ActionHandler } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { checkDomainActiveIn } from "./domain_status.ts";
import { transition } from "./lifecycle.ts";

/** What differs between exporting a VM and a template. */
interface Exportable {
  /** Home collection and the storage domain's collection of copies: `vms` or `templates`. */
  readonly collection: "vms" | "templates";
  /** The engine's word for it in messages. */
  readonly label: string;
  /** The status it has while locked. */
  readonly locked: string;
  /** Event codes of a finished export to an export domain and as an OVA. */
  readonly events: { readonly domain: number; readonly ova: number };
  /** The member of `Event` that refers to it. */
  readonly reference: "vm" | "template";
}

/** Members of the running object that an exported copy does not keep. */
const RUNTIME = ["host", "startTime", "stopTime", "runOnce", "$nextRun", "$generation"];

/** The `export` action of `kind`: to an export domain, or as an OVA on a host. */
export function exportAction(kind: Exportable): ActionHandler {
  return (call, entity, params) => {
    const { engine } = call;
    const source = entity!;
    if (source.status === kind.locked) {
      throw conflict(`Cannot export ${kind.label}: ${kind.label} is locked.`);
    }
    const ova = params.host !== undefined;
    const finish = ova
      ? exportOva(engine, kind, source, params)
      : exportToDomain(engine, kind, source, params);
    transition(engine, kind.collection, source.id, { status: kind.locked }, [{
      status: source.status,
    }], finish);
  };
}

function exportToDomain(
  engine: Engine,
  kind: Exportable,
  source: Entity,
  params: Record<string, unknown>,
): () => void {
  const domainRef = engine.resolve(
    "StorageDomain",
    (params.storageDomain ?? {}) as Record<string, unknown>,
  );
  const domain = engine.store.get("storagedomains", domainRef.id as string)!;
  if (domain.type !== "export") {
    throw conflict(
      `Cannot export ${kind.label}. Storage Domain ${domain.name} is not an export domain.`,
    );
  }
  const cluster = engine.store.get("clusters", (source.cluster as Reference | undefined)?.id ?? "");
  const dataCenterId = (cluster?.dataCenter as Reference | undefined)?.id;
  const what = `export ${kind.label}`;
  checkDomainActiveIn(engine, domain.id, dataCenterId, what, kind.label);
  if (kind.collection === "vms" && source.status !== "down") {
    throw conflict(`Cannot ${what}. At least one of the VMs is not down.`);
  }
  const copies = `storagedomains/${encodeURIComponent(domain.id)}/${kind.collection}`;
  if (engine.store.get(copies, source.id) && params.exclusive !== true) {
    throw conflict(
      `Cannot export ${kind.label}. ${kind.label} with the same identifier already exists.`,
    );
  }
  const copy: Entity = {
    ...source,
    storageDomain: engine.referenceTo("storagedomains", domain.id),
  };
  for (const member of RUNTIME) delete copy[member];
  if (kind.collection === "vms") copy.status = "down";
  const from = `${kind.collection}/${encodeURIComponent(source.id)}`;
  const to = `${copies}/${encodeURIComponent(source.id)}`;
  return () => {
    engine.store.put(copies, copy);
    for (const nic of engine.store.items(`${from}/nics`)) engine.store.put(`${to}/nics`, nic);
    engine.event(
      kind.events.domain,
      `${kind.label} ${source.name} was exported successfully to ${domain.name}.`,
      { [kind.reference]: engine.referenceTo(kind.collection, source.id) },
    );
  };
}

function exportOva(
  engine: Engine,
  kind: Exportable,
  source: Entity,
  params: Record<string, unknown>,
): () => void {
  const host = engine.resolve("Host", params.host as Record<string, unknown>);
  const hostName = engine.store.get("hosts", host.id as string)!.name;
  const directory = String(params.directory ?? "/tmp").replace(/\/+$/, "");
  const file = `${directory}/${params.filename ?? `${source.name}.ova`}`;
  const description = `${kind.label} ${source.name} was exported successfully as a ` +
    `Virtual Appliance to path ${file} on Host ${hostName}`;
  return () => {
    engine.event(
      kind.events.ova,
      description,
      {
        [kind.reference]: engine.referenceTo(kind.collection, source.id),
        host: host as { id: string; href: string },
      },
    );
  };
}

/** Exporting a VM. */
export const exportVm: ActionHandler = exportAction({
  collection: "vms",
  label: "VM",
  locked: "image_locked",
  events: { domain: 1162, ova: 1223 },
  reference: "vm",
});

/** Exporting a template. */
export const exportTemplate: ActionHandler = exportAction({
  collection: "templates",
  label: "Template",
  locked: "locked",
  events: { domain: 1164, ova: 1225 },
  reference: "template",
});

/**
 * Exporting VMs and templates (the `export` action of both), with the engine's events
 * (starting, then done) tagged with the request's correlation id, and its job ending when
 * the export is over:
 * - to an export storage domain, where a copy of the configuration appears under
 *   `storagedomains/{id}/vms` (or `templates`) with the same id. The object is locked
 *   (`image_locked`, `locked`) for one step. The domain must be active in the data center
 *   of the object, and a VM down.
 * - as an OVA file in a directory of a host, which must be up and in the object's data
 *   center. No status changes: the engine only holds an in-memory lock (`ova_locks.ts`),
 *   so a VM is neither run, removed, changed nor exported again while one runs, and a
 *   template (whose lock is shared) not removed. The done event names the file.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { ActionHandler, Call } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import type { Entity } from "../store.ts";
import { checkDomainActiveIn } from "./domain_status.ts";
import { transition } from "./lifecycle.ts";
import { checkNotExporting, holdForOva } from "./ova_locks.ts";

/** What differs between exporting a VM and a template. */
interface Exportable {
  /** Home collection and the storage domain's collection of copies: `vms` or `templates`. */
  readonly collection: "vms" | "templates";
  /** The engine's word for it in refusals. */
  readonly label: string;
  /** The engine's word for it in events (`Vm`, `Template`). */
  readonly eventLabel: string;
  /** The status it has while exported to a domain. */
  readonly locked: string;
  /** Event codes (the engine's `AuditLogType`) of the start and the end of exports. */
  readonly events: {
    readonly domainStarting: number;
    readonly domainDone: number;
    readonly ovaStarting: number;
    readonly ovaDone: number;
  };
  /** Lifecycle steps an OVA export takes (a VM's has a snapshot made and removed too). */
  readonly ovaSteps: number;
  /** Whether an OVA export locks the object against another one (the VM's lock is exclusive). */
  readonly exclusive: boolean;
  /** The member of `Event` that refers to it. */
  readonly reference: "vm" | "template";
}

/** Members of the running object that an exported copy does not keep. */
const RUNTIME = ["host", "startTime", "stopTime", "runOnce", "$nextRun", "$generation"];

/** The `export` action of `kind`: to an export domain, or as an OVA on a host. */
export function exportAction(kind: Exportable): ActionHandler {
  return (call, entity, params) => {
    const source = entity!;
    if (source.status === kind.locked) {
      throw conflict(`Cannot export ${kind.label}: ${kind.label} is locked.`);
    }
    if (kind.exclusive) checkNotExporting(source, `export ${kind.label}`, "VM");
    if (params.host !== undefined) exportOva(call, kind, source, params);
    else exportToDomain(call, kind, source, params);
  };
}

function exportToDomain(
  call: Call,
  kind: Exportable,
  source: Entity,
  params: Record<string, unknown>,
): void {
  const { engine } = call;
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
  const what = `export ${kind.label}`;
  checkDomainActiveIn(engine, domain.id, dataCenterOf(engine, source), what, kind.label);
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
  const named = `${kind.eventLabel} ${source.name}`;
  const starting = kind.collection === "vms"
    ? `Starting export ${named}`
    : `Starting to export ${named}`;
  exportEvent(call, kind, source, kind.events.domainStarting, `${starting} to ${domain.name}`);
  transition(engine, kind.collection, source.id, { status: kind.locked }, [{
    status: source.status,
  }], () => {
    engine.store.put(copies, copy);
    for (const nic of engine.store.items(`${from}/nics`)) engine.store.put(`${to}/nics`, nic);
    exportEvent(
      call,
      kind,
      source,
      kind.events.domainDone,
      `${named} was exported successfully to ${domain.name}`,
    );
  });
}

function exportOva(
  call: Call,
  kind: Exportable,
  source: Entity,
  params: Record<string, unknown>,
): void {
  const { engine } = call;
  const hostRef = engine.resolve("Host", params.host as Record<string, unknown>);
  const host = engine.store.get("hosts", hostRef.id as string)!;
  if (host.status !== "up") {
    throw conflict(
      `Cannot export ${kind.label}. Operation can be performed only when Host status is Up.`,
    );
  }
  const dataCenter = dataCenterOf(engine, source);
  if (dataCenter !== undefined && dataCenterOf(engine, host) !== dataCenter) {
    throw conflict(
      `Cannot export ${kind.label}. Proxy host and virtual machine do not reside at the ` +
        "same data center.",
    );
  }
  const directory = String(params.directory ?? "/tmp").replace(/\/+$/, "");
  const file = `${directory}/${params.filename ?? `${source.name}.ova`}`;
  const named = `${kind.eventLabel} ${source.name}`;
  exportEvent(
    call,
    kind,
    source,
    kind.events.ovaStarting,
    `Starting to export ${named} as a Virtual Appliance`,
    host,
  );
  holdForOva(engine, kind.collection, source.id, 1);
  engine.clock.after(kind.ovaSteps, () => {
    holdForOva(engine, kind.collection, source.id, -1);
    exportEvent(
      call,
      kind,
      source,
      kind.events.ovaDone,
      `${named} was exported successfully as a Virtual Appliance to path ${file} on Host ` +
        host.name,
      host,
    );
  });
  call.jobEnd = { steps: kind.ovaSteps, outcome: () => "finished" };
}

/** The id of the data center of `entity` (a VM, template or host), through its cluster. */
function dataCenterOf(engine: Engine, entity: Entity): string | undefined {
  const cluster = engine.store.get("clusters", (entity.cluster as Reference | undefined)?.id ?? "");
  return (cluster?.dataCenter as Reference | undefined)?.id;
}

/** Logs an event of the export of `source` with the request's correlation id. */
function exportEvent(
  call: Call,
  kind: Exportable,
  source: Entity,
  code: number,
  description: string,
  host?: Entity,
): void {
  const { engine } = call;
  engine.event(
    code,
    description,
    {
      [kind.reference]: engine.referenceTo(kind.collection, source.id),
      ...(host ? { host: engine.referenceTo("hosts", host.id) } : {}),
    },
    "normal",
    call.correlationId,
  );
}

/** Exporting a VM. */
export const exportVm: ActionHandler = exportAction({
  collection: "vms",
  label: "VM",
  eventLabel: "Vm",
  locked: "image_locked",
  // IMPORTEXPORT_STARTING_EXPORT_VM, _EXPORT_VM, _STARTING_EXPORT_VM_TO_OVA, _EXPORT_VM_TO_OVA
  events: { domainStarting: 1162, domainDone: 1150, ovaStarting: 1223, ovaDone: 1224 },
  ovaSteps: 3,
  exclusive: true,
  reference: "vm",
});

/** Exporting a template. */
export const exportTemplate: ActionHandler = exportAction({
  collection: "templates",
  label: "Template",
  eventLabel: "Template",
  locked: "locked",
  // IMPORTEXPORT_STARTING_EXPORT_TEMPLATE, _EXPORT_TEMPLATE, and the same _TO_OVA
  events: { domainStarting: 1164, domainDone: 1156, ovaStarting: 1226, ovaDone: 1227 },
  ovaSteps: 2,
  exclusive: false,
  reference: "template",
});

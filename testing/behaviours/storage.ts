/**
 * Storage domains and their data-center attachments. Under `storagedomains` a domain is
 * `unattached` or has no status; attached ones live as records below
 * `datacenters/{id}/storagedomains` with their real status: attach -> `locked` ->
 * `active` (it needs a host `up` in the data center, and an active master domain once the
 * data center is initialized; the first data domain becomes master and brings the data
 * center `up`; other domains need a data center that is initialized), `deactivate` -> `maintenance`
 * (refused while running VMs use the domain; the master role moves to another active data
 * domain, or the data center goes to `maintenance` with its last one), `activate` ->
 * `active`, detach (DELETE) needs maintenance. The data center's `setmaster` moves the
 * master role to another domain. Disks are made and VMs started only on active domains.
 * A new domain names a host that exists (404 otherwise, as the REST layer looks it up by
 * name); a file domain's connection is added through that host, which must be `up`, and
 * is refused when another domain already uses the same export (`storage_connections.ts`).
 * Removing a domain names the host to do it with (`host`), unless it is destroyed
 * (`destroy=true`): 400 without one, as the engine's REST layer answers. A name the engine
 * refuses is refused on add and update (`names.ts`).
 *
 * @module
 */

import { conflict, notFound, Refusal } from "../answers.ts";
import { type ActionHandler, type Behaviour, flag } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject, updateObject } from "../generic.ts";
import { checkName } from "../names.ts";
import type { Entity } from "../store.ts";
import { deleteDisk } from "./disks.ts";
import { activeVmsOn } from "./domain_status.ts";
import { change, transition } from "./lifecycle.ts";
import { checkNewDomain, CONNECTION } from "./storage_connections.ts";

const GIB = 1024 ** 3;

/** The values of a new storage domain (seeded or added). */
export function domainDefaults(): Record<string, unknown> {
  return {
    available: 500 * GIB,
    used: 20 * GIB,
    committed: 0,
    storageFormat: "v5",
    externalStatus: "ok",
    master: false,
    warningLowSpaceIndicator: 10,
    criticalSpaceActionBlocker: 5,
    wipeAfterDelete: false,
    discardAfterDelete: false,
    supportsDiscard: false,
    supportsDiscardZeroesData: false,
    backup: false,
    blockSize: 512,
    dataCenters: [],
  };
}

/** Attaches domain `domainId` to data center `dcId` with `status` (records and references). */
export function attachDomain(
  engine: Engine,
  dcId: string,
  domainId: string,
  status: string,
): Entity {
  const collection = `datacenters/${encodeURIComponent(dcId)}/storagedomains`;
  const domain = engine.store.get("storagedomains", domainId)!;
  const master = domain.type === "data" &&
    !engine.store.items(collection).some((record) => record.master === true);
  const dcRef = engine.referenceTo("datacenters", dcId);
  engine.store.put("storagedomains", {
    ...domain,
    status: undefined,
    master,
    dataCenter: dcRef,
    dataCenters: [dcRef],
  });
  return engine.store.put(collection, { id: domainId, status, master, dataCenter: dcRef });
}

/**
 * Brings data center `dcId` `up` if it has an active master domain, to `maintenance` when
 * its master (or every domain) is in maintenance, `uninitialized` otherwise.
 */
function updateDataCenterStatus(engine: Engine, dcId: string): void {
  const records = engine.store.items(`datacenters/${encodeURIComponent(dcId)}/storagedomains`);
  const master = records.find((record) => record.master === true);
  const up = master?.status === "active";
  const maintenance = master?.status === "maintenance" ||
    (records.length > 0 && records.every((record) => record.status === "maintenance"));
  change(engine, "datacenters", dcId, {
    status: up ? "up" : maintenance ? "maintenance" : "uninitialized",
  });
}

/**
 * Refuses to attach a domain to data center `dcId` when none of its hosts is `up`: the
 * engine works through one (`AttachStorageDomainToPoolCommand`, `initializeVds`).
 */
function checkHostUpIn(engine: Engine, dcId: string): void {
  const clusters = new Set(
    engine.store.items("clusters")
      .filter((cluster) => (cluster.dataCenter as Reference | undefined)?.id === dcId)
      .map((cluster) => cluster.id),
  );
  const up = engine.store.find(
    "hosts",
    (host) =>
      host.status === "up" && clusters.has((host.cluster as Reference | undefined)?.id as string),
  );
  if (!up) {
    throw conflict("Cannot attach Storage. There is no active Host in the Data Center.");
  }
}

/**
 * Refuses to attach a domain to an initialized data center (the records of `collection`)
 * whose master domain is not active (`checkMasterDomainIsUp`).
 */
function checkMasterActive(engine: Engine, collection: string): void {
  const master = engine.store.items(collection).find((record) => record.master === true);
  if (master?.status !== "active") {
    throw conflict(
      "Failed to attach Storage due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.",
    );
  }
}

const attachedDomains: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const dcId = location.parent!.id!;
    const domain = typeof body.id === "string"
      ? engine.store.get("storagedomains", body.id)
      : engine.store.find("storagedomains", (entity) => entity.name === body.name);
    if (!domain) throw notFound(`StorageDomain: ${body.id ?? body.name}`);
    checkHostUpIn(engine, dcId);
    if ((domain.dataCenters as unknown[] | undefined)?.length) {
      throw conflict(
        "Cannot attach Storage Domain. The Storage Domain is already attached to a Data Center.",
      );
    }
    const initialized = engine.store.get("datacenters", dcId)?.status !== "uninitialized";
    if (domain.type !== "data" && !initialized) {
      throw conflict(
        "Cannot attach Storage Domain.\n-Please attach Data Domain to the Data Center first.",
      );
    }
    if (initialized) checkMasterActive(engine, location.path);
    const record = attachDomain(engine, dcId, domain.id, "locked");
    transition(
      engine,
      location.path,
      domain.id,
      {},
      [{ status: "active" }],
      () => updateDataCenterStatus(engine, dcId),
    );
    return { ...engine.store.get("storagedomains", domain.id)!, ...record };
  },
};

/**
 * `setmaster` of a data center: the master role moves to another of its active data
 * domains; both domains are `locked` for a step meanwhile.
 */
export const setMaster: ActionHandler = (call, dataCenter, params) => {
  const { engine } = call;
  const collection = `datacenters/${encodeURIComponent(dataCenter!.id)}/storagedomains`;
  const named = (params.storageDomain ?? {}) as Record<string, unknown>;
  const id = engine.resolve("StorageDomain", named).id as string;
  const record = engine.store.get(collection, id);
  if (
    record?.status !== "active" || engine.store.get("storagedomains", id)?.type !== "data"
  ) {
    throw conflict(
      "Cannot switch master Storage Domain. The Storage Domain is not an active data domain of the Data Center.",
    );
  }
  for (const other of engine.store.items(collection)) {
    const master = other.id === id;
    if ((other.master === true) === master) continue;
    transition(
      engine,
      collection,
      other.id,
      { status: "locked" },
      [{ status: "active", master }],
      () => change(engine, "storagedomains", other.id, { master }),
    );
  }
};

/**
 * Refuses to deactivate `domain` (a record of `collection`) while VMs that are neither down
 * nor suspended use it, or when it is the master and the other active domains are not
 * data domains; returns the id of the active data domain that is to take over the master
 * role, if `domain` has it.
 */
function checkDeactivation(engine: Engine, collection: string, domain: Entity): string | undefined {
  if (activeVmsOn(engine, domain.id).length) {
    throw conflict(
      'Cannot deactivate Storage. VMs in a state other than "Down" or "Suspended" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down or Suspended state first.',
    );
  }
  if (domain.master !== true) return undefined;
  const others = engine.store.items(collection).filter((record) =>
    record.id !== domain.id && record.status === "active"
  );
  const successor = others.find((record) =>
    engine.store.get("storagedomains", record.id)?.type === "data"
  );
  if (others.length && !successor) {
    throw conflict(
      "Cannot deactivate a Master Storage Domain while there are active non-data domains in the Data Center.\n-Please deactivate all the non-data domains first.",
    );
  }
  return successor?.id;
}

/** Moves the master role from domain `from` to domain `to` (records of `collection`). */
function moveMaster(engine: Engine, collection: string, from: string, to: string): void {
  for (const [id, master] of [[from, false], [to, true]] as const) {
    change(engine, collection, id, { master });
    change(engine, "storagedomains", id, { master });
  }
}

const attachedActions: Record<string, ActionHandler> = {
  deactivate: (call, domain) => {
    if (domain!.status !== "active") {
      throw conflict("Cannot deactivate Storage Domain. The Storage Domain is not active.");
    }
    const { engine } = call;
    const dcId = call.location.parent!.parent!.id!;
    const collection = call.location.parent!.path;
    const successor = checkDeactivation(engine, collection, domain!);
    transition(engine, collection, domain!.id, { status: "preparing_for_maintenance" }, [
      { status: "maintenance" },
    ], () => {
      if (successor) moveMaster(engine, collection, domain!.id, successor);
      updateDataCenterStatus(engine, dcId);
    });
  },
  activate: (call, domain) => {
    if (domain!.status === "active") {
      throw conflict("Cannot activate Storage Domain. The Storage Domain is already active.");
    }
    const dcId = call.location.parent!.parent!.id!;
    transition(call.engine, call.location.parent!.path, domain!.id, { status: "activating" }, [{
      status: "active",
    }], () => updateDataCenterStatus(call.engine, dcId));
  },
};

const attachedDomain: Behaviour = {
  remove(call, entity) {
    if (entity.status !== "maintenance" && entity.status !== "inactive") {
      throw conflict(
        "Cannot detach Storage Domain. The Storage Domain must be in Maintenance first.",
      );
    }
    const { engine } = call;
    const domain = engine.store.get("storagedomains", entity.id);
    if (domain) {
      engine.store.put("storagedomains", {
        ...domain,
        status: "unattached",
        master: false,
        dataCenter: undefined,
        dataCenters: [],
      });
    }
  },
  actions: attachedActions,
};

const domains: Behaviour = {
  add(call, body) {
    const { host, ...settings } = body;
    const connection = checkNewDomain(call.engine, host, settings.storage);
    checkName("storageDomain", settings.name, "add");
    return addObject(call, {
      ...domainDefaults(),
      ...settings,
      status: "unattached",
      ...(connection ? { [CONNECTION]: connection } : {}),
    });
  },
};

const domain: Behaviour = {
  update(call, entity, changes) {
    checkName("storageDomain", changes.name ?? entity.name, "edit");
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
  remove(call, entity) {
    // The REST layer asks for the host to do the removal with, unless the domain is destroyed
    // (`destroy=true`, or `destroy` without a value).
    const destroy = call.query.get("destroy") === "" || flag(call, "destroy");
    if (!destroy && call.query.get("host") === null) {
      throw new Refusal(400, "host parameter is missing", "");
    }
    if ((entity.dataCenters as unknown[] | undefined)?.length) {
      throw conflict(
        "Cannot remove Storage Domain. The Storage Domain is attached to a Data Center; detach it first.",
      );
    }
    for (const disk of call.engine.store.items("disks")) {
      const on = disk.storageDomains as { id?: string }[] | undefined;
      if (on?.some((reference) => reference.id === entity.id)) deleteDisk(call.engine, disk.id);
    }
  },
  actions: {
    isattached: (_call, entity) => ({
      isAttached: ((entity!.dataCenters as unknown[] | undefined)?.length ?? 0) > 0,
    }),
  },
};

/** Behaviours of the storage domain services, by service name. */
export const STORAGE_BEHAVIOURS: Record<string, Behaviour> = {
  StorageDomainsService: domains,
  StorageDomainService: domain,
  AttachedStorageDomainsService: attachedDomains,
  AttachedStorageDomainService: attachedDomain,
};

/**
 * Hosts: added `installing` -> `initializing` -> `up` (a second host with the address of
 * one in the same cluster is refused); `deactivate` moves them through
 * `preparing_for_maintenance` to `maintenance` once no VM is left (running VMs migrate to
 * other hosts of the cluster; not with a VM pinned to the host, nor from a status that is
 * not operational), `activate` back to `up`; removal, reinstalling and a change of cluster
 * need maintenance. A host comes up `non_operational` instead when it lacks a network its
 * cluster requires (and every other host up there has). `upgradecheck` finds updates
 * (until the host is upgraded) and logs event 885; `upgrade` goes through maintenance,
 * `installing` and `reboot` back to where the host was. Discovery actions answer with
 * plausible outputs; networking is in `host_networks.ts`. An SPM host going to maintenance
 * hands the role on to another host of its data center (`spm.ts`). A name the engine refuses
 * is refused on add and update (`names.ts`).
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { ActionHandler, Behaviour } from "../behaviour.ts";
import type { Engine, Reference, Severity } from "../engine.ts";
import { addObject, updateObject } from "../generic.ts";
import { checkName } from "../names.ts";
import type { Entity } from "../store.ts";
import { HOST_NETWORK_ACTIONS } from "./host_networks.ts";
import { change, type Step, transition } from "./lifecycle.ts";
import { isPinned, migrationTo, vmsOn } from "./migrations.ts";
import { electSpmLater, releaseSpm } from "./spm.ts";

const GIB = 1024 ** 3;

/** The values a host reports once installed, for seeded and added hosts alike. */
export function hostDefaults(): Record<string, unknown> {
  return {
    port: 54321,
    type: "rhel",
    protocol: "stomp",
    memory: 64 * GIB,
    maxSchedulingMemory: 60 * GIB,
    cpu: {
      name: "Intel Xeon Processor (Icelake)",
      speed: 2400,
      topology: { sockets: 2, cores: 8, threads: 2 },
    },
    spm: { status: "none", priority: 5 },
    powerManagement: { enabled: false },
    os: { type: "RHEL", version: { fullVersion: "9.4", major: 9, minor: 4 } },
    externalStatus: "ok",
    kdumpStatus: "disabled",
    summary: { active: 0, migrating: 0, total: 0 },
    updateAvailable: false,
  };
}

/**
 * Migrates the VMs running on `host` (and not migrating already) to other `up` hosts of
 * the same cluster; 409 if there is none.
 */
function evacuate(engine: Engine, host: Entity): void {
  const running = engine.store.items("vms").filter((vm) =>
    (vm.host as Reference | undefined)?.id === host.id && vm.status !== "migrating"
  );
  if (running.length === 0) return;
  const cluster = (host.cluster as Reference | undefined)?.id;
  const targets = engine.store.items("hosts").filter((other) =>
    other.id !== host.id && other.status === "up" &&
    (other.cluster as Reference | undefined)?.id === cluster
  );
  if (targets.length === 0) {
    throw conflict(
      "Cannot switch Host to Maintenance mode. There is no other Host to migrate its VMs to.",
    );
  }
  running.forEach((vm, index) => {
    const { now, arrived } = migrationTo(
      engine.referenceTo("hosts", targets[index % targets.length].id),
    );
    transition(engine, "vms", vm.id, now, [arrived]);
  });
}

/** Refuses maintenance for `host` while a VM pinned to it runs there, in the engine's words. */
function checkNoPinnedVms(engine: Engine, host: Entity): void {
  const pinned = vmsOn(engine, host.id).filter(isPinned);
  if (pinned.length === 0) return;
  throw conflict(
    `Cannot switch the following Hosts to Maintenance mode: ${host.name}.\n` +
      "One or more running VMs are indicated as non-migratable. The non-migratable VMs are: " +
      `${pinned.map((vm) => vm.name).join(", ")}.`,
  );
}

/** Statuses from which a host may be switched to maintenance. */
const MAINTAINABLE: ReadonlySet<string> = new Set([
  "up",
  "maintenance",
  "preparing_for_maintenance",
  "non_responsive",
  "non_operational",
  "install_failed",
  "error",
  "down",
]);

/** Lifecycle steps a host stays `preparing_for_maintenance` at most, waiting for its VMs. */
const MAINTENANCE_CHECKS = 30;

/**
 * Moves `host`, `preparing_for_maintenance`, to `maintenance` once no VM runs on it or
 * migrates to it, as the engine's host monitoring does: checked every lifecycle step,
 * migrating off the VMs that arrived meanwhile; a host whose VMs cannot leave stays
 * preparing. Stops when the host's status changes (activated again).
 */
function maintenanceWhenEmpty(engine: Engine, hostId: string, checks = MAINTENANCE_CHECKS): void {
  engine.clock.after(1, () => {
    const host = engine.store.get("hosts", hostId);
    if (host?.status !== "preparing_for_maintenance") return;
    if (vmsOn(engine, hostId).length === 0) {
      change(engine, "hosts", hostId, { status: "maintenance" });
      return;
    }
    try {
      evacuate(engine, host);
    } catch {
      // No host to take them now: the host stays preparing, as in the engine.
    }
    if (checks > 1) maintenanceWhenEmpty(engine, hostId, checks - 1);
  });
}

/** Statuses in which a host may be removed, reinstalled or moved to another cluster. */
const NOT_OPERATIONAL = [
  "maintenance",
  "down",
  "install_failed",
  "non_responsive",
  "non_operational",
];

/** Hidden (non-model) property: the host has been upgraded, no more updates to find. */
const UPGRADED = "$upgraded";

/**
 * Event codes of host updates and of a host that lacks a network its cluster requires
 * (the engine's audit log numbers; the last is VDS_SET_NONOPERATIONAL_NETWORK).
 */
const EVENTS = {
  updatesChecked: 885,
  upgradeStarted: 840,
  upgradeFinished: 842,
  missingNetworks: 519,
};

function hostEvent(
  engine: Engine,
  host: Entity,
  code: number,
  description: string,
  severity: Severity = "normal",
): void {
  engine.event(code, description, { host: engine.referenceTo("hosts", host.id) }, severity);
}

/** Whether host `hostId` has network `networkId` attached to one of its NICs. */
function hasNetwork(engine: Engine, hostId: string, networkId: string): boolean {
  return engine.store.items(`hosts/${encodeURIComponent(hostId)}/networkattachments`).some(
    (attachment) => (attachment.network as Reference | undefined)?.id === networkId,
  );
}

/**
 * The names of the networks `host` lacks that its cluster requires, as the engine's check
 * when a host comes up finds them: only a required network operational in the cluster
 * counts, one that every other host up in the cluster has (the engine marks a required
 * network non-operational while a host up there lacks it, and leaves its mark alone while
 * none is up). The management network is left out: installing a host configures it.
 */
function missingNetworks(engine: Engine, host: Entity): string[] {
  const clusterId = (host.cluster as Reference | undefined)?.id ?? "";
  const cluster = engine.store.get("clusters", clusterId);
  const others = engine.store.items("hosts").filter((other) =>
    other.id !== host.id && other.status === "up" &&
    (other.cluster as Reference | undefined)?.id === clusterId
  );
  if (!cluster || others.length === 0) return [];
  const management = (cluster.managementNetwork as Reference | undefined)?.id;
  return engine.store.items(`clusters/${encodeURIComponent(clusterId)}/networks`)
    .filter((network) =>
      network.required === true && network.id !== management &&
      !hasNetwork(engine, host.id, network.id) &&
      others.every((other) => hasNetwork(engine, other.id, network.id))
    )
    .map((network) => String(engine.store.get("networks", network.id)?.name ?? network.id));
}

/**
 * The step where a host comes up: `up`, or `non_operational` (with the engine's warning
 * event) when it lacks a network its cluster requires.
 */
function comesUp(engine: Engine): (host: Entity) => Record<string, unknown> {
  return (host) => {
    const missing = missingNetworks(engine, host);
    if (missing.length === 0) {
      electSpmLater(engine, host);
      return { status: "up" };
    }
    const cluster = engine.store.get("clusters", (host.cluster as Reference | undefined)?.id ?? "");
    hostEvent(
      engine,
      host,
      EVENTS.missingNetworks,
      `Host ${host.name} does not comply with the cluster ${cluster?.name} networks, the ` +
        `following networks are missing on host: '${missing.join(",")}'`,
      "warning",
    );
    return { status: "non_operational" };
  };
}

const hostActions: Record<string, ActionHandler> = {
  ...HOST_NETWORK_ACTIONS,
  deactivate: (call, host) => {
    if (host!.status === "maintenance") {
      throw conflict(
        "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.",
      );
    }
    if (!MAINTAINABLE.has(host!.status as string)) {
      throw conflict("Cannot switch Host to Maintenance mode, Host is not operational.");
    }
    checkNoPinnedVms(call.engine, host!);
    evacuate(call.engine, host!);
    transition(call.engine, "hosts", host!.id, { status: "preparing_for_maintenance" });
    releaseSpm(call.engine, host!.id);
    maintenanceWhenEmpty(call.engine, host!.id);
  },
  activate: (call, host) => {
    if (host!.status === "up") throw conflict("Cannot activate Host. Host in Up status.");
    transition(call.engine, "hosts", host!.id, { status: "unassigned" }, [{
      status: "initializing",
    }, comesUp(call.engine)]);
  },
  iscsidiscover: () => ({ iscsiTargets: ["iqn.2024-01.org.example:storage.target1"] }),
  discoveriscsi: () => ({
    discoveredTargets: [{
      address: "192.0.2.10",
      port: 3260,
      target: "iqn.2024-01.org.example:storage.target1",
    }],
  }),
  unregisteredstoragedomainsdiscover: () => ({ storageDomains: [] }),
  fence: () => ({ powerManagement: { status: "on" } }),
  install: (call, host, params) => {
    if (!NOT_OPERATIONAL.includes(host!.status as string)) {
      throw conflict("Cannot install Host. Host must be in Maintenance mode first.");
    }
    const end: Step[] = params.activate === false
      ? [{ status: "maintenance" }]
      : [{ status: "initializing" }, comesUp(call.engine)];
    transition(call.engine, "hosts", host!.id, { status: "installing" }, end);
  },
  upgradecheck: (call, host) => {
    const { engine } = call;
    const found = host![UPGRADED] !== true;
    engine.clock.after(1, () => {
      const checked = change(engine, "hosts", host!.id, { updateAvailable: found });
      if (!checked) return;
      const result = found ? "found updates for packages vdsm, ovirt-host" : "no updates found";
      hostEvent(
        engine,
        checked,
        EVENTS.updatesChecked,
        `Check for available updates on host ${checked.name} was completed successfully ` +
          `with message '${result}'.`,
      );
    });
  },
  upgrade: (call, host) => {
    const { engine } = call;
    if (host!.updateAvailable !== true) {
      throw conflict("Cannot upgrade Host. There are no available updates for the host.");
    }
    const wasUp = host!.status === "up";
    if (wasUp) {
      checkNoPinnedVms(engine, host!);
      evacuate(engine, host!);
    } else if (host!.status !== "maintenance") {
      throw conflict("Cannot upgrade Host. Host must be up or in Maintenance mode.");
    }
    hostEvent(engine, host!, EVENTS.upgradeStarted, `Host ${host!.name} upgrade was started.`);
    const finished: Step = (entity) => ({
      ...(wasUp ? comesUp(engine)(entity) : { status: "maintenance" }),
      updateAvailable: false,
      [UPGRADED]: true,
    });
    transition(engine, "hosts", host!.id, {
      status: wasUp ? "preparing_for_maintenance" : "installing",
    }, [
      ...(wasUp ? [{ status: "maintenance" }, { status: "installing" }] : []),
      { status: "reboot" },
      finished,
    ], (updated) => {
      if (updated[UPGRADED] !== true) return;
      hostEvent(
        engine,
        updated,
        EVENTS.upgradeFinished,
        `Host ${updated.name} upgrade was completed successfully.`,
      );
    });
    releaseSpm(engine, host!.id);
  },
};

const host: Behaviour = {
  update(call, entity, changes) {
    checkName("host", changes.name ?? entity.name, "edit");
    const cluster = changes.cluster as Record<string, unknown> | undefined;
    const moved = cluster !== undefined &&
      call.engine.resolve("Cluster", cluster).id !== (entity.cluster as Reference | undefined)?.id;
    if (moved && !NOT_OPERATIONAL.includes(entity.status as string)) {
      throw conflict(
        "Cannot edit Host. Host parameters cannot be modified while Host is operational. " +
          "Please switch Host to Maintenance mode first.",
      );
    }
    return updateObject(call.engine, call.location.parent!, entity, changes);
  },
  remove(_call, entity) {
    if (!NOT_OPERATIONAL.includes(entity.status as string)) {
      throw conflict(
        "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.",
      );
    }
  },
  actions: hostActions,
};

const hosts: Behaviour = {
  add(call, body) {
    // A host added without a cluster goes to the one named `Default`, as on the engine.
    const cluster = (body.cluster as Record<string, unknown> | undefined) ?? { name: "Default" };
    const clusterId = call.engine.resolve("Cluster", cluster).id as string;
    checkName("host", body.name, "add");
    const same = call.engine.store.find(
      "hosts",
      (other) =>
        other.address === body.address &&
        (other.cluster as Reference | undefined)?.id === clusterId,
    );
    if (same) throw conflict("Cannot add Host. Host with the same address already exists.");
    const added = addObject(call, {
      ...hostDefaults(),
      ...body,
      cluster: call.engine.referenceTo("clusters", clusterId),
      rootPassword: undefined,
    });
    return transition(call.engine, "hosts", added.id, { status: "installing" }, [{
      status: "initializing",
    }, comesUp(call.engine)]);
  },
};

/** Behaviours of the host services, by service name. */
export const HOST_BEHAVIOURS: Record<string, Behaviour> = {
  HostsService: hosts,
  HostService: host,
};

/**
 * Hosts: added `installing` -> `initializing` -> `up`; `deactivate` moves them through
 * `preparing_for_maintenance` to `maintenance` (running VMs migrate to other hosts of the
 * cluster), `activate` back to `up`; removal needs maintenance. Discovery actions answer
 * with plausible outputs.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { ActionHandler, Behaviour } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { addObject } from "../generic.ts";
import type { Entity } from "../store.ts";
import { change, transition } from "./lifecycle.ts";

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

/** Moves the VMs running on `host` to other `up` hosts of the same cluster; 409 if none. */
function evacuate(engine: Engine, host: Entity): void {
  const running = engine.store.items("vms").filter((vm) =>
    (vm.host as Reference | undefined)?.id === host.id
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
    const target = engine.referenceTo("hosts", targets[index % targets.length].id);
    change(engine, "vms", vm.id, { host: target });
  });
}

const hostActions: Record<string, ActionHandler> = {
  deactivate: (call, host) => {
    if (host!.status === "maintenance") {
      throw conflict(
        "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.",
      );
    }
    evacuate(call.engine, host!);
    transition(call.engine, "hosts", host!.id, { status: "preparing_for_maintenance" }, [{
      status: "maintenance",
    }]);
  },
  activate: (call, host) => {
    if (host!.status === "up") throw conflict("Cannot activate Host. Host is already up.");
    transition(call.engine, "hosts", host!.id, { status: "unassigned" }, [{
      status: "initializing",
    }, { status: "up" }]);
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
};

const host: Behaviour = {
  remove(_call, entity) {
    if (
      !["maintenance", "down", "install_failed", "non_responsive", "non_operational"].includes(
        entity.status as string,
      )
    ) {
      throw conflict(
        "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.",
      );
    }
  },
  actions: hostActions,
};

const hosts: Behaviour = {
  add(call, body) {
    const added = addObject(call, { ...hostDefaults(), ...body, rootPassword: undefined });
    return transition(call.engine, "hosts", added.id, { status: "installing" }, [{
      status: "initializing",
    }, {
      status: "up",
    }]);
  },
};

/** Behaviours of the host services, by service name. */
export const HOST_BEHAVIOURS: Record<string, Behaviour> = {
  HostsService: hosts,
  HostService: host,
};

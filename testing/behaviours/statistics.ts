/**
 * Statistics of VMs, hosts, disks and NICs: made on first listing (a plausible set per
 * owner type, fixed values), then stored like any other object.
 *
 * @module
 */

import type { Behaviour, Call } from "../behaviour.ts";
import type { Entity } from "../store.ts";
import { typeAt } from "../tree.ts";

/** name, description, kind, type, unit, value */
type Sample = readonly [string, string, "gauge" | "counter", "integer" | "decimal", string, number];

const GIB = 1024 ** 3;

const SAMPLES: Record<string, readonly Sample[]> = {
  Vm: [
    ["memory.installed", "Total memory configured", "gauge", "integer", "bytes", 4 * GIB],
    ["memory.used", "Memory used (agent)", "gauge", "integer", "bytes", 1.5 * GIB],
    ["cpu.current.guest", "CPU used by guest", "gauge", "decimal", "percent", 12.5],
    ["cpu.current.hypervisor", "CPU overhead", "gauge", "decimal", "percent", 0.8],
    ["network.current.total", "Total network usage", "gauge", "decimal", "percent", 1],
    ["elapsed.time", "Elapsed VM runtime", "gauge", "integer", "seconds", 3600],
  ],
  Host: [
    ["memory.total", "Total memory", "gauge", "integer", "bytes", 64 * GIB],
    ["memory.used", "Used memory", "gauge", "integer", "bytes", 20 * GIB],
    ["memory.free", "Free memory", "gauge", "integer", "bytes", 44 * GIB],
    ["cpu.current.user", "User CPU usage", "gauge", "decimal", "percent", 15.25],
    ["cpu.current.system", "System CPU usage", "gauge", "decimal", "percent", 3.5],
    ["cpu.current.idle", "Idle CPU usage", "gauge", "decimal", "percent", 81.25],
    ["cpu.load.avg.5m", "CPU 5 minute load average", "gauge", "decimal", "none", 0.75],
  ],
  Disk: [
    ["data.current.read", "Read data rate", "gauge", "decimal", "bytes_per_second", 1024],
    ["data.current.write", "Write data rate", "gauge", "decimal", "bytes_per_second", 2048],
    ["disk.read.latency", "Read latency", "gauge", "decimal", "seconds", 0.001],
  ],
  Nic: [
    ["data.current.rx", "Receive data rate", "gauge", "decimal", "bytes_per_second", 4096],
    ["data.current.tx", "Transmit data rate", "gauge", "decimal", "bytes_per_second", 1024],
    ["errors.total.rx", "Total receive errors", "counter", "integer", "none", 0],
  ],
};

/** The member of `Statistic` that refers to its owner, per owner type. */
const OWNER_MEMBER: Record<string, string> = {
  Vm: "vm",
  Host: "host",
  Disk: "disk",
  Nic: "nic",
  HostNic: "hostNic",
};

function ensureStatistics(call: Call): Entity[] {
  const { engine, location } = call;
  const existing = engine.store.items(location.path);
  if (existing.length) return existing;
  const owner = location.parent!;
  const ownerType = typeAt(owner) ?? "";
  const samples = SAMPLES[ownerType === "HostNic" ? "Nic" : ownerType] ?? [];
  const member = OWNER_MEMBER[ownerType];
  for (const [name, description, kind, type, unit, datum] of samples) {
    engine.store.put(location.path, {
      id: engine.newId(),
      name,
      description,
      kind,
      type,
      unit,
      values: [{ datum }],
      ...(member ? { [member]: { id: owner.id!, href: engine.href(owner.path) } } : {}),
    });
  }
  return engine.store.items(location.path);
}

/** Behaviours of the statistics services, by service name. */
export const STATISTIC_BEHAVIOURS: Record<string, Behaviour> = {
  StatisticsService: { list: ensureStatistics },
};

/**
 * What an update of a VM that is not down changes while the VM runs, and whether the rest
 * waits for the next run, as `UpdateVmCommand` decides: a member the engine cannot set on
 * the VM in its status makes a next-run configuration (`isRunningConfigurationNeeded`) and
 * keeps its running value (`copyNonEditableFieldsToDestination`) until the VM is down or
 * rebooted.
 *
 * @module
 */

import type { Entity } from "../store.ts";

/** When a member of a VM may be set on a VM that is not down. */
type Settable = "always" | "up" | "running";

/**
 * The members of a VM (by path) an update sets on a VM that is not down, from the
 * `@EditableVmField` annotations of the engine's `VmBase` and `VmStatic`: `always` for those
 * without `onStatuses` (editable in any status), `up` for `hotSettableOnStatus =
 * VMStatus.Group.UP`, `running` for `VMStatus.Group.RUNNING_OR_PAUSED`. Every other member
 * (cores, threads, maximum memory, BIOS, display type, ...) has `onStatuses =
 * VMStatus.Down` or no annotation, and waits for the next run; the cluster is the exception,
 * refused outright on a VM that is not down (`vms.ts`, as the engine's `ChangeVMCluster`).
 * Kept short on purpose: a member missing here waits for the next run, the engine's safe
 * side.
 */
const SETTABLE: Readonly<Record<string, Settable>> = {
  name: "always",
  description: "always",
  comment: "always",
  "os.type": "always", // osId
  smallIcon: "always",
  largeIcon: "always",
  highAvailability: "always", // autoStartup, priority
  deleteProtected: "always",
  "display.allowOverride": "always", // allowConsoleReconnect
  "display.disconnectAction": "always", // consoleDisconnectAction
  "display.disconnectActionDelay": "always",
  tunnelMigration: "always",
  migrationDowntime: "always",
  migration: "always", // autoConverge, migrateCompressed, migrateEncrypted, migrationPolicyId...
  quota: "always",
  placementPolicy: "always", // migrationSupport, dedicatedVmForVdsList
  initialization: "always", // vmInit
  cpuProfile: "always",
  instanceType: "always", // instanceTypeId
  useLatestTemplateVersion: "always", // useLatestVersion
  memory: "up", // memSizeMb, increased only (see HOTPLUG_MEMORY)
  "cpu.topology.sockets": "up", // numOfSockets
  "memoryPolicy.guaranteed": "running", // minAllocatedMem
  lease: "running", // leaseStorageDomainId
};

/** The statuses of `VMStatus.Group.RUNNING_OR_PAUSED`, as the API names them. */
const RUNNING_OR_PAUSED: ReadonlySet<string> = new Set([
  "up",
  "powering_down",
  "powering_up",
  "migrating",
  "wait_for_launch",
  "reboot_in_progress",
  "paused",
  "restoring_state",
  "saving_state",
]);

/**
 * Memory is hot plugged in steps of 256 MiB (x86's `getHotplugMemorySizeFactorMb`). A
 * change by another amount also makes a next-run configuration
 * (`memoryNextRunSnapshotRequired`), though an increase shows at once on the running VM as
 * on the engine (`updateCurrentMemory` stores it, plugging nothing). A decrease waits for the
 * next run: the engine could only unplug memory plugged before, which the simulator has not.
 */
const HOTPLUG_MEMORY = 256 * 2 ** 20;

/** Whether member `path` may be set now on a VM in `status` (not down). */
function settableNow(path: string, status: string): boolean {
  switch (SETTABLE[path]) {
    case "always":
      return true;
    case "up":
      return status === "up";
    case "running":
      return RUNNING_OR_PAUSED.has(status);
    default:
      return false;
  }
}

/** The change of memory, in bytes, from `vm` to `wanted`. */
function memoryChange(vm: Entity, wanted: Entity): number {
  return Number(wanted.memory ?? 0) - Number(vm.memory ?? 0);
}

/** The value at dotted `path` of `object`. */
function valueAt(object: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = object;
  for (const name of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** `object` with the value at dotted `path` set to `value` (copies along the path). */
function withValueAt(
  object: Record<string, unknown>,
  path: string[],
  value: unknown,
): Record<string, unknown> {
  const [name, ...rest] = path;
  if (rest.length === 0) return { ...object, [name]: value };
  const inner = object[name];
  const struct = typeof inner === "object" && inner !== null && !Array.isArray(inner)
    ? inner as Record<string, unknown>
    : {};
  return { ...object, [name]: withValueAt(struct, rest, value) };
}

/** Whether two stored values are the same (a member without value is one left out). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  const numeric = (value: unknown) => typeof value === "number" || typeof value === "bigint";
  if (numeric(a) && numeric(b)) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const names = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...names].every((name) => sameValue(left[name], right[name]));
}

/**
 * How an update turning `vm` (not down) into `wanted` (its whole configuration after the
 * update) takes effect: `running` is the VM as it runs on, with only the members the engine
 * sets in its status changed; `nextRun` tells whether anything else changed, which then
 * waits for the next run.
 */
export function hotSet(vm: Entity, wanted: Entity): { running: Entity; nextRun: boolean } {
  const status = String(vm.status);
  let running: Record<string, unknown> = vm;
  for (const path of Object.keys(SETTABLE)) {
    if (!settableNow(path, status)) continue;
    if (path === "memory" && memoryChange(vm, wanted) < 0) continue;
    const steps = path.split(".");
    const value = valueAt(wanted, steps);
    if (!sameValue(valueAt(running, steps), value)) running = withValueAt(running, steps, value);
  }
  const offStep = memoryChange(vm, wanted) % HOTPLUG_MEMORY !== 0;
  return { running: running as Entity, nextRun: offStep || !sameValue(running, wanted) };
}

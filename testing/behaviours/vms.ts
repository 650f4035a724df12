/**
 * Virtual machines (protocol section 7): creation from a template (`image_locked` while
 * disks are copied, `down` at once from a template without disks), the power lifecycle
 * (start, stop, shutdown, suspend, reboot (also while powering up), migrate to another
 * host that is `up`, cancel a migration while it runs) with the engine's refusals and
 * words, the next-run configuration (applied when the VM goes down or reboots: made by an
 * update with `next_run`, or by one without that changes what the engine cannot set while
 * the VM runs, `vm_hot_set.ts`; a VM that is not down is not moved to another cluster;
 * memory within the maximum, `vm_memory.ts`), snapshots (taken with the snapshot and the
 * VM's disks locked for a step, the VM keeping its status, and the VM not run, removed,
 * migrated or snapshotted again meanwhile; previewed with the VM down, then committed or
 * undone (the VM's images locked for a step each time), removed by a merge (the snapshot and
 * the VM's disks locked for a step, as when it is taken)) and NICs
 * (`vm_nics.ts`). A VM whose images are locked refuses changes. A
 * VM is removed only when down (`force` passes locked images, not a running VM) and not
 * delete-protected; with `detach_only` only if based on no template and without snapshots.
 * While a backup of a VM has not ended, the VM is not removed, snapshotted, run, migrated or
 * hibernated, nor stopped or rebooted unless forced, and its snapshots are not previewed,
 * committed, undone or removed (`backup_locks.ts`).
 * VM names are the engine's (`names.ts`). Starting with run-once settings (a `vm`,
 * cloud-init, Sysprep) marks the VM `run_once` until it is down; a stateless VM gets a
 * `stateless` snapshot while it runs, discarded a step after it is down. New VMs can also
 * be cloned from a snapshot. With `all_content=true` a VM shows its OVF configuration. A
 * started VM's guest agent reports (`guest.ts`) a step after the VM is `up`; going down or
 * suspended clears the report.
 *
 * @module
 */

import { conflict, notFound, Refusal } from "../answers.ts";
import { MIGRATION_EVENTS, VM_STATUS_EVENTS, type VmStatusEvent } from "../audit_codes.ts";
import { type ActionHandler, type Behaviour, type Call, flag, type JobEnd } from "../behaviour.ts";
import type { Engine, Reference } from "../engine.ts";
import { mergeChanges, updateObject, withReferences } from "../generic.ts";
import { givenGuid } from "../guids.ts";
import type { Entity } from "../store.ts";
import { ZERO_ID } from "../model.ts";
import { checkVmName } from "../names.ts";
import { checkUniqueName } from "../unique_names.ts";
import { checkNotDuringBackup } from "./backup_locks.ts";
import { setTicket } from "./consoles.ts";
import { freezeLayers, mergeLayers } from "./disk_snapshots.ts";
import { deleteDisk } from "./disks.ts";
import { checkDomainsActive, diskDomainsOf } from "./domain_status.ts";
import { exportVm } from "./exports.ts";
import { guestReport, NO_GUEST_REPORT } from "./guest.ts";
import { change, type Step, transition } from "./lifecycle.ts";
import { checkMigratable, MIGRATING_TO, migrationTo } from "./migrations.ts";
import { checkNotExporting } from "./ova_locks.ts";
import { vmOvf } from "./ovf.ts";
import { configurationOf, vmFromConfiguration } from "./ovf_import.ts";
import {
  checkNotDuringSnapshot,
  checkSnapshotsIdle,
  restoreSnapshot,
  snapshotsOf,
  takeConfiguration,
} from "./snapshot_restore.ts";
import { checkVmNotLocked as checkNotLocked, createVm } from "./vm_creation.ts";
import { hotSet } from "./vm_hot_set.ts";
import { checkMemory } from "./vm_memory.ts";
import { VM_NIC, VM_NICS } from "./vm_nics.ts";

/** Hidden (non-model) property: changes waiting for the next boot (`next_run=true`). */
const NEXT_RUN = "$nextRun";

/**
 * Creates a VM from `body`: from its OVF configuration if it has one (see `ovf_import.ts`),
 * a clone of a snapshot's VM if it names one in `snapshots`; with the id `body` gives, if
 * any, as the engine's `AddVmCommand` keeps it.
 */
function addVm(engine: Engine, body: Record<string, unknown>): Entity {
  if (configurationOf(body) !== undefined) return vmFromConfiguration(engine, body);
  const id = givenGuid(body.id);
  const snapshotId = (body.snapshots as { id?: string }[] | undefined)?.[0]?.id;
  if (snapshotId === undefined) return createVm(engine, body, undefined, id);
  const owner = engine.store.find(
    "vms",
    (vm) =>
      engine.store.get(`vms/${encodeURIComponent(vm.id)}/snapshots`, snapshotId) !== undefined,
  );
  if (!owner) throw notFound(`Snapshot: id=${snapshotId}`);
  const { snapshots: _snapshots, ...wanted } = body;
  return createVm(
    engine,
    { ...settingsOf(owner), ...wanted },
    `vms/${encodeURIComponent(owner.id)}`,
    id,
  );
}

/** What a copy of `vm` keeps: all but its running state. */
function settingsOf(vm: Entity): Record<string, unknown> {
  const { status: _status, host: _host, [NEXT_RUN]: _pending, ...settings } = vm;
  return { ...settings, ...NO_GUEST_REPORT };
}

/** `vm` with its OVF configuration when the request asks for `all_content`. */
function withContent(call: Call, vm: Entity): Entity {
  if (!flag(call, "all_content")) return vm;
  const configuration = { type: "ovf", data: vmOvf(call.engine, vm) };
  const initialization = vm.initialization as Record<string, unknown> | undefined;
  return { ...vm, initialization: { ...initialization, configuration } };
}

/** Parameters of `start` that make it a run once (the engine's RunVmOnce). */
const RUN_ONCE = [
  "vm",
  "useCloudInit",
  "useSysprep",
  "useIgnition",
  "useInitialization",
  "volatile",
];

/** Adds the snapshot a stateless VM runs on. */
function addStatelessSnapshot(engine: Engine, vm: Entity): void {
  engine.store.put(`vms/${encodeURIComponent(vm.id)}/snapshots`, {
    id: engine.newId(),
    description: "stateless snapshot",
    snapshotType: "stateless",
    snapshotStatus: "ok",
    date: new Date(),
    persistMemorystate: false,
    vm: engine.referenceTo("vms", vm.id),
  });
}

/** Discards the stateless snapshot of `vm` `steps` lifecycle steps from now. */
function discardStatelessSnapshot(engine: Engine, vm: Entity, steps: number): void {
  const collection = `vms/${encodeURIComponent(vm.id)}/snapshots`;
  engine.clock.after(steps, () => {
    for (const snapshot of engine.store.items(collection)) {
      if (snapshot.snapshotType === "stateless") engine.store.delete(collection, snapshot.id);
    }
  });
}

/** The VM as it will be after the next boot (with pending `next_run` changes). */
function nextRunView(vm: Entity): Entity {
  const pending = vm[NEXT_RUN] as Record<string, unknown> | undefined;
  return pending ? { ...mergeChanges("Vm", vm, pending), id: vm.id } : vm;
}

/** The least busy `up` host of the VM's cluster, other than `except`. */
function pickHost(engine: Engine, vm: Entity, what: string, except?: string): Reference {
  const cluster = (vm.cluster as Reference | undefined)?.id;
  const load = new Map<string, number>();
  for (const other of engine.store.items("vms")) {
    const host = (other.host as Reference | undefined)?.id;
    if (host) load.set(host, (load.get(host) ?? 0) + 1);
  }
  const hosts = engine.store.items("hosts").filter((host) =>
    host.status === "up" && host.id !== except &&
    (host.cluster as Reference | undefined)?.id === cluster
  );
  if (hosts.length === 0) {
    throw conflict(`Cannot ${what} VM. There are no available running Hosts in the Host Cluster.`);
  }
  hosts.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0));
  return engine.referenceTo("hosts", hosts[0].id);
}

/** `host` if a VM on host `current` can migrate there: another host, and `up`. */
function checkMigrationTarget(
  engine: Engine,
  host: Record<string, unknown>,
  current: string | undefined,
): Record<string, unknown> {
  if (host.id === current) throw conflict("Cannot migrate VM. source and destination is the same.");
  if (engine.store.get("hosts", host.id as string)?.status !== "up") {
    throw conflict("Cannot migrate VM. Operation can be performed only when Host status is Up.");
  }
  return host;
}

/**
 * Moves the VM through `steps` (after applying `now`), recording an event at each end state
 * of `events`, the one `now` reaches included (a power-off is `down` at once); those the
 * action's command logs carry its correlation id.
 */
function lifecycle(
  call: Call,
  vm: Entity,
  now: Record<string, unknown>,
  steps: Step[],
  events: Readonly<Record<string, VmStatusEvent>> = VM_STATUS_EVENTS,
): void {
  const { engine } = call;
  let previous: unknown;
  const record = (updated: Entity) => {
    const status = updated.status as string;
    const event = status === previous ? undefined : events[status];
    previous = status;
    if (event === undefined) return;
    const host = (updated.host as Reference | undefined)?.id;
    const where = status === "up" && host
      ? ` on Host ${engine.store.get("hosts", host)?.name ?? host}`
      : "";
    const correlationId = event.byCommand ? call.correlationId : undefined;
    engine.event(
      event.code,
      `VM ${updated.name} is ${status}${where}.`,
      {
        vm: engine.referenceTo("vms", vm.id),
      },
      "normal",
      correlationId,
    );
  };
  record(transition(engine, "vms", vm.id, now, steps, record));
}

/** The step after `up` where the guest agent reports, if it has not yet. */
function agentReports(vm: Entity): Record<string, unknown> {
  return vm.status === "up" && vm.guestOperatingSystem === undefined ? guestReport(vm) : {};
}

/** Refuses to stop or shut down (`what`) a VM that is down, or saving or restoring its state. */
function checkStoppable(vm: Entity, what: string): void {
  if (vm.status === "saving_state" || vm.status === "restoring_state") {
    throw conflict(
      `Cannot ${what} VM. VM is in saving/restoring state.\n` +
        "-Please try again when the VM is either up or down.",
    );
  }
  if (vm.status === "down") throw conflict(`Cannot ${what} VM. VM is not running.`);
}

/**
 * The engine's refusal of `what` (`reboot`) for a VM in a status that does not allow it:
 * `Cannot restart VM because the VM is in Down status.` (the engine's name of the status).
 */
function statusIllegal(vm: Entity, what: string): Refusal {
  const status = vm.status === "migrating" ? "migrating_from" : String(vm.status);
  const name = status.split("_").map((word) => word[0].toUpperCase() + word.slice(1)).join("");
  return conflict(`Cannot ${what} VM because the VM is in ${name} status.`);
}

/**
 * The end of the "Run VM" job, `steps` lifecycle steps on, when the VM has come up (or
 * paused, if started so): as the engine ends it once the VM runs; `failed` if it is down.
 */
function runJobEnd(call: Call, vm: Entity, steps: number): JobEnd {
  return {
    steps,
    outcome: () => call.engine.store.get("vms", vm.id)?.status === "down" ? "failed" : "finished",
  };
}

/**
 * What going down does: no host, a stop time, no guest report, and the next-run
 * configuration applied.
 */
function down(vm: Entity): Record<string, unknown> {
  return {
    ...nextRunView(vm),
    ...NO_GUEST_REPORT,
    [MIGRATING_TO]: undefined,
    status: "down",
    host: undefined,
    stopTime: new Date(),
    runOnce: false,
    [NEXT_RUN]: undefined,
    nextRunConfigurationExists: false,
  };
}

/**
 * The step of a reboot that brings the VM back up. With a next-run configuration pending the
 * engine reboots cold (`RebootVmCommand.isColdReboot`): the VM runs anew with that
 * configuration applied, and its guest agent reports again a step later.
 */
function rebooted(vm: Entity): Record<string, unknown> {
  if (vm[NEXT_RUN] === undefined) return { status: "up" };
  return {
    ...nextRunView(vm),
    ...NO_GUEST_REPORT,
    status: "up",
    startTime: new Date(),
    [NEXT_RUN]: undefined,
    nextRunConfigurationExists: false,
  };
}

const vmActions: Record<string, ActionHandler> = {
  start: (call, vm, params) => {
    checkNotDuringBackup(call.engine, vm!, "run VM");
    checkNotLocked(vm!, "run");
    checkNotDuringSnapshot(call.engine, vm!.id, "run VM");
    switch (vm!.status) {
      case "paused":
        lifecycle(call, vm!, { status: "up" }, [agentReports]);
        break;
      case "suspended":
        lifecycle(call, vm!, { status: "restoring_state" }, [{ status: "up" }, agentReports]);
        call.jobEnd = runJobEnd(call, vm!, 1);
        break;
      case "down": {
        checkDomainsActive(call.engine, diskDomainsOf(call.engine, vm!), "run VM");
        const host = pickHost(call.engine, vm!, "run");
        const runOnce = RUN_ONCE.some((name) =>
          params[name] !== undefined && params[name] !== false
        );
        if (vm!.stateless === true) addStatelessSnapshot(call.engine, vm!);
        lifecycle(call, vm!, { status: "wait_for_launch", host, stopTime: undefined, runOnce }, [
          () => ({ status: "powering_up", startTime: new Date() }),
          { status: params.pause === true ? "paused" : "up" },
          agentReports,
        ]);
        call.jobEnd = runJobEnd(call, vm!, 2);
        break;
      }
      default:
        throw conflict("Cannot run VM. VM is running.");
    }
  },
  stop: (call, vm, params) => {
    checkNotLocked(vm!, "stop");
    if (params.force !== true) checkNotDuringBackup(call.engine, vm!, "stop VM");
    checkStoppable(vm!, "stop");
    lifecycle(call, vm!, down(vm!), []);
    if (vm!.stateless === true) discardStatelessSnapshot(call.engine, vm!, 1);
  },
  shutdown: (call, vm, params) => {
    checkNotLocked(vm!, "shutdown");
    if (params.force !== true) checkNotDuringBackup(call.engine, vm!, "shutdown VM");
    checkStoppable(vm!, "shutdown");
    lifecycle(call, vm!, { status: "powering_down" }, [down]);
    if (vm!.stateless === true) discardStatelessSnapshot(call.engine, vm!, 2);
  },
  suspend: (call, vm) => {
    checkNotDuringBackup(call.engine, vm!, "hibernate VM");
    if (vm!.status === "wait_for_launch" || vm!.status === "not_responding") {
      throw statusIllegal(vm!, "hibernate");
    }
    if (vm!.status !== "up") throw conflict("Cannot hibernate VM. VM is not up.");
    lifecycle(call, vm!, { status: "saving_state" }, [
      { ...NO_GUEST_REPORT, status: "suspended", host: undefined },
    ]);
  },
  reboot: (call, vm, params) => {
    if (params.force !== true) checkNotDuringBackup(call.engine, vm!, "restart VM");
    if (vm!.status !== "up" && vm!.status !== "powering_up") throw statusIllegal(vm!, "restart");
    lifecycle(call, vm!, { status: "reboot_in_progress" }, [rebooted, agentReports]);
  },
  reset: (call, vm) => {
    if (vm!.status !== "up") throw conflict("Cannot reset VM. VM is not running.");
    lifecycle(call, vm!, { status: "reboot_in_progress" }, [{ status: "up" }]);
  },
  migrate: (call, vm, params) => {
    checkNotDuringBackup(call.engine, vm!, "migrate VM");
    if (vm!.status !== "up") throw conflict("Cannot migrate VM. VM is not running.");
    checkNotDuringSnapshot(call.engine, vm!.id, "migrate VM");
    checkMigratable(vm!, params.force === true);
    const current = (vm!.host as Reference | undefined)?.id;
    const requested = params.host as Record<string, unknown> | undefined;
    const host = requested
      ? checkMigrationTarget(call.engine, call.engine.resolve("Host", requested), current)
      : pickHost(call.engine, vm!, "migrate", current);
    const { now, arrived } = migrationTo(host as Reference);
    lifecycle(call, vm!, now, [arrived], MIGRATION_EVENTS);
  },
  cancelmigration: (call, vm) => {
    if (vm!.status !== "migrating") {
      throw conflict("Cannot cancel migration for non migrating VM.");
    }
    // The VM stays where it runs; the migration's step to the other host is dropped.
    transition(call.engine, "vms", vm!.id, { status: "up", [MIGRATING_TO]: undefined });
  },
  clone: (call, vm, params) => {
    checkNotLocked(vm!, "clone");
    const wanted = (params.vm ?? {}) as Record<string, unknown>;
    if (typeof wanted.name !== "string") {
      throw new Refusal(400, "Incomplete parameters", "Vm [name] required for clone");
    }
    createVm(call.engine, { ...settingsOf(vm!), ...wanted }, call.location.path);
  },
  previewsnapshot: (call, vm, params) => previewSnapshot(call, vm!, params),
  commitsnapshot: (call, vm) => endPreview(call, vm!),
  undosnapshot: (call, vm) => endPreview(call, vm!),
  ticket: setTicket,
  export: exportVm,
};

/** Previews the snapshot `params` names (`in_preview`): the VM must be down, with no preview. */
function previewSnapshot(call: Call, vm: Entity, params: Record<string, unknown>): void {
  checkNotDuringBackup(call.engine, vm, "preview Snapshot");
  const collection = `vms/${encodeURIComponent(vm.id)}/snapshots`;
  const wanted = (params.snapshot as { id?: string } | undefined)?.id;
  const snapshot = wanted === undefined ? undefined : call.engine.store.get(collection, wanted);
  if (!snapshot) throw notFound(`Snapshot: id=${wanted}`);
  checkSnapshotsIdle(call, vm, "preview");
  if (snapshotsOf(call, vm).some((other) => other.snapshotStatus === "in_preview")) {
    throw conflict("Cannot preview Snapshot. VM is previewing a Snapshot.");
  }
  change(call.engine, collection, snapshot.id, { snapshotStatus: "in_preview" });
  lockImagesForAStep(call, vm);
}

/**
 * Locks the images of `vm` for a lifecycle step, the VM `image_locked`, as the engine does
 * while it previews, commits or undoes a snapshot (`TryBackToAllSnapshotsOfVm`,
 * `RestoreAllSnapshots`).
 */
function lockImagesForAStep(call: Call, vm: Entity): void {
  transition(call.engine, "vms", vm.id, { status: "image_locked" }, [{ status: vm.status }]);
}

/** Commits or undoes the preview of `vm` (its snapshot is `ok` again); there must be one. */
function endPreview(call: Call, vm: Entity): void {
  checkNotDuringBackup(call.engine, vm, "revert to Snapshot");
  const collection = `vms/${encodeURIComponent(vm.id)}/snapshots`;
  const previewed = snapshotsOf(call, vm).filter((snapshot) =>
    snapshot.snapshotStatus === "in_preview"
  );
  if (previewed.length === 0) {
    throw conflict("Cannot revert to Snapshot. VM's Snapshot does not exist.");
  }
  checkSnapshotsIdle(call, vm, "revert to");
  for (const snapshot of previewed) {
    change(call.engine, collection, snapshot.id, { snapshotStatus: "ok" });
  }
  lockImagesForAStep(call, vm);
}

const vm: Behaviour = {
  get: (call, entity) => withContent(call, flag(call, "next_run") ? nextRunView(entity) : entity),
  update(call, entity, changes) {
    const { engine } = call;
    const sent = withReferences(engine, "Vm", changes);
    checkClusterKept(entity, sent);
    checkVmName(changes.name, "edit");
    checkNotLocked(entity, "update");
    // Checked on the configuration asked for; a running VM's memory also against the
    // maximum it runs with, unless the change is for the next run only.
    const hotPlugged = entity.status !== "down" && !flag(call, "next_run");
    checkMemory(
      mergeChanges("Vm", nextRunView(entity), sent),
      "edit",
      hotPlugged ? entity : undefined,
    );
    if (entity.status === "down") {
      return updateObject(engine, call.location.parent!, entity, changes);
    }
    const pending = mergeChanges(
      "Vm",
      (entity[NEXT_RUN] as Record<string, unknown> | undefined) ?? {},
      sent,
    );
    if (changes.name !== undefined) {
      checkUniqueName(
        engine,
        "VmsService",
        "Vm",
        { ...entity, ...pending },
        engine.store.items("vms"),
        "edit",
      );
    }
    if (flag(call, "next_run")) {
      const updated = change(engine, "vms", entity.id, {
        [NEXT_RUN]: pending,
        nextRunConfigurationExists: true,
      })!;
      return nextRunView(updated);
    }
    // Without next_run the engine sets what it can on the running VM; the rest waits.
    const { running, nextRun } = hotSet(entity, {
      ...mergeChanges("Vm", entity, sent),
      id: entity.id,
    });
    if (!nextRun && entity[NEXT_RUN] === undefined) return engine.store.put("vms", running);
    return engine.store.put("vms", {
      ...running,
      [NEXT_RUN]: pending,
      nextRunConfigurationExists: true,
    });
  },
  remove(call, entity) {
    checkNotDuringBackup(call.engine, entity, "remove VM");
    checkNotExporting(entity, "remove VM", "VM");
    if (entity.deleteProtected === true) {
      throw conflict(
        "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.",
      );
    }
    const detachOnly = flag(call, "detach_only");
    if (detachOnly) checkDisksDetachable(call, entity);
    if (entity.status === "suspended") {
      throw conflict("Cannot remove VM that its state is not down.\n-Please stop the VM first.");
    }
    // `force` lets a remove through locked images only, never past a running VM.
    if (!REMOVABLE.has(entity.status as string)) throw conflict("Cannot remove VM. VM is running.");
    if (!flag(call, "force")) checkNotLocked(entity, "remove");
    checkNotDuringSnapshot(call.engine, entity.id, "remove VM");
    if (!detachOnly) {
      for (const attachment of call.engine.store.items(`${call.location.path}/diskattachments`)) {
        deleteDisk(call.engine, attachment.id);
      }
    }
  },
  actions: vmActions,
};

/**
 * Refuses to move `vm` to another cluster (`sent`: the update, references resolved) unless
 * it is down: the engine's `ChangeVMCluster`, which the REST layer runs before the update,
 * takes `clusterId` only on a VM that is down (`@EditableVmField(onStatuses = Down)`).
 */
function checkClusterKept(vm: Entity, sent: Record<string, unknown>): void {
  const wanted = (sent.cluster as Reference | undefined)?.id;
  if (wanted === undefined || vm.status === "down") return;
  if (wanted !== (vm.cluster as Reference | undefined)?.id) {
    throw conflict("Cannot update a VM in this status. Try stopping the VM first.");
  }
}

/** Statuses a VM may be removed in (`RemoveVmCommand.validate`). */
const REMOVABLE: ReadonlySet<string> = new Set([
  "down",
  "image_locked",
  "image_illegal",
  "unassigned",
]);

/**
 * Refuses to remove `vm` keeping its disks (`detach_only`) when it is based on a template
 * (its disks are layers over the template's) or has snapshots (`canRemoveVmWithDetachDisks`).
 */
function checkDisksDetachable(call: Call, vm: Entity): void {
  const template = (vm.template as Reference | undefined)?.id;
  if (template !== undefined && template !== ZERO_ID) {
    throw conflict("Cannot remove VM with detaching disks, VM is based from template.");
  }
  const taken = snapshotsOf(call, vm).some((snapshot) => snapshot.snapshotType !== "active");
  if (taken && call.engine.store.items(`${call.location.path}/diskattachments`).length > 0) {
    throw conflict("Cannot remove VM with detaching disks, snapshots exist.");
  }
}

const snapshots: Behaviour = {
  add(call, body) {
    const { engine } = call;
    const owner = engine.store.get("vms", call.location.parent!.id!)!;
    checkNotDuringBackup(engine, owner, "create Snapshot");
    checkNotLocked(owner, "create snapshot for");
    checkNotDuringSnapshot(engine, owner.id, "create Snapshot");
    const snapshot = engine.store.put(call.location.path, {
      persistMemorystate: false,
      ...withReferences(engine, "Snapshot", body),
      id: engine.newId(),
      snapshotType: "regular",
      snapshotStatus: "locked",
      date: new Date(),
      vm: engine.referenceTo("vms", owner.id),
      ...takeConfiguration(owner),
    });
    freezeLayers(engine, call.location.parent!.path, snapshot.id);
    transition(engine, call.location.path, snapshot.id, {}, [{ snapshotStatus: "ok" }]);
    lockDisksForAStep(engine, owner);
    return snapshot;
  },
};

/**
 * Locks the image disks of `vm` for a lifecycle step, as the engine locks the images while
 * it takes a snapshot (`CreateSnapshotForVmCommand`); the VM keeps its status, up or down.
 */
function lockDisksForAStep(engine: Engine, vm: Entity): void {
  for (const attachment of engine.store.items(`vms/${encodeURIComponent(vm.id)}/diskattachments`)) {
    const disk = engine.store.get("disks", attachment.id);
    if (!disk || disk.storageType === "lun" || disk.status !== "ok") continue;
    transition(engine, "disks", disk.id, { status: "locked" }, [{ status: "ok" }]);
  }
}

const snapshot: Behaviour = {
  remove(call, entity) {
    const { engine } = call;
    const owner = engine.store.get("vms", call.location.parent!.parent!.id!)!;
    checkNotDuringBackup(engine, owner, "remove Snapshot");
    const others = snapshotsOf(call, owner);
    // The engine refuses while any snapshot of the VM is locked: being made, restored or
    // merged away (`vmSnapshotDisksNotDuringMerge`), then while one is previewed.
    if (others.some((other) => other.snapshotStatus === "locked")) {
      throw conflict(
        "Cannot remove Snapshot. The VM is performing an operation on a Snapshot. Please wait for the operation to finish, and try again.",
      );
    }
    if (others.some((other) => other.snapshotStatus === "in_preview")) {
      throw conflict("Cannot remove Snapshot. VM is previewing a Snapshot.");
    }
    if (entity.snapshotType === "active") {
      throw conflict("Cannot remove Snapshot. The active snapshot cannot be removed.");
    }
    // Merged away on the clock: the snapshot is `locked` and its VM's disks locked for a
    // step (`RemoveSnapshotCommand.lockSnapshot`), the VM keeping its status, then it is gone.
    change(engine, call.location.parent!.path, entity.id, { snapshotStatus: "locked" });
    lockDisksForAStep(engine, owner);
    engine.clock.after(1, () => {
      mergeLayers(engine, entity.id);
      engine.store.delete(call.location.parent!.path, entity.id);
    });
    return true;
  },
  actions: { restore: restoreSnapshot },
};

/** Behaviours of the VM services, by service name. */
export const VM_BEHAVIOURS: Record<string, Behaviour> = {
  VmsService: {
    add: (call, body) => addVm(call.engine, body),
    list(call) {
      const vms = call.engine.store.items("vms");
      return flag(call, "all_content") ? vms.map((vm) => withContent(call, vm)) : vms;
    },
  },
  VmService: vm,
  SnapshotsService: snapshots,
  SnapshotService: snapshot,
  VmNicsService: VM_NICS,
  VmNicService: VM_NIC,
};

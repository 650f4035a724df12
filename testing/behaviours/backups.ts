/**
 * VM backups: `initializing` -> `starting` -> `ready`; `finalize` -> `finalizing` ->
 * `succeeded`, leaving a checkpoint (the backup's `to_checkpoint_id`) for the next
 * incremental backup. A backup covers the disks it names (all the VM's by default),
 * listed below it with their `backup_mode` (`incremental` from a checkpoint, else
 * `full`); the checkpoint lists them too. Only the oldest checkpoint can be removed.
 *
 * @module
 */

import { conflict } from "../answers.ts";
import type { Behaviour } from "../behaviour.ts";
import type { Reference } from "../engine.ts";
import { withReferences } from "../generic.ts";
import { transition } from "./lifecycle.ts";

const backups: Behaviour = {
  add(call, body) {
    const { engine, location } = call;
    const vmId = location.parent!.id!;
    const vm = engine.store.get("vms", vmId)!;
    const { disks, ...settings } = withReferences(engine, "Backup", body);
    const from = settings.fromCheckpointId;
    if (
      typeof from === "string" && !engine.store.get(`${location.parent!.path}/checkpoints`, from)
    ) {
      throw conflict(`Cannot backup VM. Checkpoint ${from} does not exist.`);
    }
    const backup = engine.store.put(location.path, {
      ...settings,
      id: engine.newId(),
      phase: "initializing",
      creationDate: new Date(),
      toCheckpointId: engine.newId(),
      vm: engine.referenceTo("vms", vmId),
      host: vm.host as Reference | undefined,
    });
    const named = (disks as Reference[] | undefined) ?? [];
    const diskIds = named.length
      ? named.map((disk) => disk.id)
      : engine.store.items(`${location.parent!.path}/diskattachments`).map((disk) => disk.id);
    const backupMode = typeof from === "string" ? "incremental" : "full";
    for (const id of diskIds) {
      engine.store.put(`${location.path}/${encodeURIComponent(backup.id)}/disks`, {
        id,
        backupMode,
      });
    }
    return transition(engine, location.path, backup.id, {}, [{ phase: "starting" }, {
      phase: "ready",
    }]);
  },
};

const backup: Behaviour = {
  actions: {
    finalize: (call, entity) => {
      if (entity!.phase !== "ready") {
        throw conflict("Cannot finalize Backup. The backup is not ready.");
      }
      const { engine, location } = call;
      const collection = location.parent!.path;
      const checkpoints = `${location.parent!.parent!.path}/checkpoints`;
      transition(engine, collection, entity!.id, { phase: "finalizing" }, [{
        phase: "succeeded",
        modificationDate: new Date(),
      }], (done) => {
        const id = done.toCheckpointId as string;
        engine.store.put(checkpoints, {
          id,
          parentId: done.fromCheckpointId,
          creationDate: new Date(),
          state: "created",
          vm: done.vm,
        });
        for (const disk of engine.store.items(`${location.path}/disks`)) {
          engine.store.put(`${checkpoints}/${encodeURIComponent(id)}/disks`, { id: disk.id });
        }
      });
    },
  },
};

const checkpoint: Behaviour = {
  remove(call, entity) {
    const [root] = call.engine.store.items(call.location.parent!.path);
    if (root?.id !== entity.id) {
      throw conflict(
        "Cannot remove VM Checkpoint. Only the oldest (root) checkpoint can be removed.",
      );
    }
  },
};

/** Behaviours of the VM backup and checkpoint services, by service name. */
export const BACKUP_BEHAVIOURS: Record<string, Behaviour> = {
  VmBackupsService: backups,
  VmBackupService: backup,
  VmCheckpointService: checkpoint,
};

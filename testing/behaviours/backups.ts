/**
 * VM backups: `initializing` -> `starting` -> `ready`; `finalize` -> `finalizing` ->
 * `succeeded`, leaving a checkpoint (the backup's `to_checkpoint_id`) for the next
 * incremental backup.
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
    const backup = engine.store.put(location.path, {
      ...withReferences(engine, "Backup", body),
      id: engine.newId(),
      phase: "initializing",
      creationDate: new Date(),
      toCheckpointId: engine.newId(),
      vm: engine.referenceTo("vms", vmId),
      host: vm.host as Reference | undefined,
    });
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
        engine.store.put(checkpoints, {
          id: done.toCheckpointId as string,
          parentId: done.fromCheckpointId,
          creationDate: new Date(),
          state: "created",
          vm: done.vm,
        });
      });
    },
  },
};

/** Behaviours of the VM backup services, by service name. */
export const BACKUP_BEHAVIOURS: Record<string, Behaviour> = {
  VmBackupsService: backups,
  VmBackupService: backup,
};

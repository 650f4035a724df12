/**
 * The engine's audit log codes (its `AuditLogType` numbers) of the changes clients make
 * most, for the event each change logs, by the service changed (a collection for an add)
 * and the engine's verb of the change (`add`, `edit`, `remove`, `run`, `stop`...). Changes
 * not listed here log {@link OTHER_CHANGE_CODE}.
 *
 * @module
 */

/** Codes by `Service.verb`. */
const CHANGE_CODES: Readonly<Record<string, number>> = {
  "VmsService.add": 34, // USER_ADD_VM
  "VmService.edit": 35, // USER_UPDATE_VM
  "VmService.remove": 113, // USER_REMOVE_VM_FINISHED
  "VmService.run": 153, // USER_STARTED_VM
  "VmService.stop": 33, // USER_STOP_VM
  "VmService.shutdown": 73, // USER_INITIATED_SHUTDOWN_VM
  "VmService.suspend": 501, // USER_SUSPEND_VM
  "VmService.reboot": 157, // USER_REBOOT_VM
  "VmService.reset": 221, // USER_RESET_VM
  "VmService.migrate": 62, // VM_MIGRATION_START
  "VmService.previewsnapshot": 46, // USER_TRY_BACK_TO_SNAPSHOT
  "SnapshotsService.add": 45, // USER_CREATE_SNAPSHOT
  "SnapshotService.remove": 342, // USER_REMOVE_SNAPSHOT
  "SnapshotService.restore": 1190, // USER_RESTORE_FROM_SNAPSHOT_START
  "TemplatesService.add": 48, // USER_ADD_VM_TEMPLATE
  "TemplateService.edit": 49, // USER_UPDATE_VM_TEMPLATE
  "TemplateService.remove": 50, // USER_REMOVE_VM_TEMPLATE
  "DisksService.add": 2020, // USER_ADD_DISK
  "HostsService.add": 42, // USER_ADD_VDS
  "HostService.edit": 43, // USER_UPDATE_VDS
  "HostService.remove": 44, // USER_REMOVE_VDS
  "StorageDomainsService.add": 956, // USER_ADD_STORAGE_DOMAIN
  "AttachedStorageDomainService.activate": 966, // USER_ACTIVATED_STORAGE_DOMAIN
  "AttachedStorageDomainService.deactivate": 968, // USER_DEACTIVATED_STORAGE_DOMAIN
};

/**
 * The code of the events of changes without an engine code here: the simulator's own,
 * above every code of the engine's `AuditLogType` (which end at 15013; 9000 and 9001
 * there are fence alerts).
 */
const OTHER_CHANGE_CODE = 90000;

/** The code of the simulator's own event that its inventory is ready (`Simulator ready`). */
export const SIMULATOR_READY_CODE = 90001;

/** The audit log code of a change `verb` through service `service`. */
export function changeCode(service: string, verb: string): number {
  return CHANGE_CODES[`${service}.${verb}`] ?? OTHER_CHANGE_CODE;
}

/**
 * Events of a VM reaching a status after an action, by status: the code, and whether the
 * action's command logs it (with the action's correlation id) or the engine's monitoring
 * of hosts does (with none). Up after a start (USER_RUN_VM), down (VM_DOWN), suspended
 * (USER_SUSPEND_VM_OK).
 */
export const VM_STATUS_EVENTS: Readonly<Record<string, VmStatusEvent>> = {
  up: { code: 32, byCommand: true },
  down: { code: 61, byCommand: false },
  suspended: { code: 503, byCommand: false },
};

/** Up again after a migration: the end of the migration (VM_MIGRATION_DONE). */
export const MIGRATION_EVENTS: Readonly<Record<string, VmStatusEvent>> = {
  up: { code: 63, byCommand: true },
};

/** The event of a VM reaching a status. */
export interface VmStatusEvent {
  /** The audit log code. */
  readonly code: number;
  /** Whether the action's command logs it, with the action's correlation id. */
  readonly byCommand: boolean;
}

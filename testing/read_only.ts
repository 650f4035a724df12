/**
 * Members an update does not set. The engine maps an update onto the object's stored
 * configuration only: what it reports about the object's runtime state (status, the host
 * a VM runs on, start and stop times, what the guest agent says) and what it keeps on its
 * own (creation time, measured sizes, the master domain) are ignored, not refused. So a
 * client that sends back an older `get()` with one member changed changes that member
 * only.
 *
 * @module
 */

/** Run-time state of a VM (and of the VM a snapshot holds): the engine's dynamic VM data. */
const VM_RUNTIME = [
  "status",
  "statusDetail",
  "stopReason",
  "host",
  "startTime",
  "stopTime",
  "creationTime",
  "runOnce",
  "nextRunConfigurationExists",
  "fqdn",
  "guestOperatingSystem",
  "guestTimeZone",
  "hasIllegalImages",
];

/**
 * Read-only members by struct type (property names), also where the struct is a member of
 * the object updated (a host's `spm`).
 */
export const READ_ONLY: Readonly<Record<string, readonly string[]>> = {
  Vm: VM_RUNTIME,
  Template: ["status", "creationTime"],
  Host: [
    "status",
    "statusDetail",
    "summary",
    "memory",
    "maxSchedulingMemory",
    "hardwareInformation",
    "libvirtVersion",
    "updateAvailable",
  ],
  Disk: ["status", "actualSize", "totalSize"],
  StorageDomain: ["status", "master", "available", "used", "committed"],
  Spm: ["status"],
  DataCenter: ["status"],
  Network: ["status"],
};

/** `changes` to an object of struct `type` without the members an update does not set. */
export function settableChanges(
  type: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const readOnly = READ_ONLY[type];
  if (!readOnly) return changes;
  return Object.fromEntries(Object.entries(changes).filter(([name]) => !readOnly.includes(name)));
}

/**
 * Backs up a virtual machine the classic way, through a backup agent VM: saves the VM's
 * OVF configuration, takes a snapshot, attaches the snapshot's disks to the agent VM
 * (where backup software would copy them), then detaches them and removes the snapshot.
 * Events in the audit log tell the administrator when the backup starts and ends. Ctrl-C
 * stops the backup: the disks are detached and the snapshot removed all the same.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read --allow-write
 * examples/vm_backup.ts [--vm vm001] [--agent-vm vm002] [--application mybackup]
 * [--ovf-dir .]`
 *
 * @module
 */

import { join } from "node:path";
import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import { onCtrlC } from "./lib/interrupt.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read --allow-write examples/vm_backup.ts [--vm vm001] [--agent-vm vm002] [--application mybackup] [--ovf-dir .]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  "agent-vm": { type: "string", default: "vm002" },
  application: { type: "string", default: "mybackup" },
  "ovf-dir": { type: "string", default: "." },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

using interrupt = onCtrlC();
const { signal } = interrupt;
const named = found(
  await findByName(vmsService, values.vm, { signal }),
  `No VM named ${values.vm}`,
);
const agent = found(
  await findByName(vmsService, values["agent-vm"], { signal }),
  `No VM named ${values["agent-vm"]}`,
);
const agentVm: types.Vm = agent;
// `allContent` brings the OVF configuration, which is left out by default.
const dataVm = await vmsService.vmService(named.id!).get({ allContent: true, signal });

// Events need a unique integer id from the application; the time in seconds will do here.
let eventId = Math.floor(Date.now() / 1000);

/** Adds an event about the data VM, from this application, to the audit log. */
async function notify(description: string): Promise<void> {
  await systemService.eventsService().add({
    vm: { id: dataVm.id },
    origin: String(values.application),
    severity: types.LogSeverity.NORMAL,
    customId: eventId++,
    description,
  });
}

// The events name the snapshot, so that an administrator can remove it if the backup fails.
const snapshotDescription = `${dataVm.name}-backup-${crypto.randomUUID()}`;
const backupName =
  `Backup of virtual machine '${dataVm.name}' using snapshot '${snapshotDescription}'`;
await notify(`${backupName} is starting.`);

// The OVF is what restoring the VM needs besides its disks.
const ovf = dataVm.initialization?.configuration?.data;
if (!ovf) throw new Error(`The engine sent no OVF configuration for VM ${dataVm.name}`);
const ovfPath = join(String(values["ovf-dir"]), `${dataVm.name}-${dataVm.id}.ovf`);
await Deno.writeTextFile(ovfPath, ovf);
console.log(`Saved the OVF of VM ${dataVm.name} to ${ovfPath}`);

// What the backup makes (the snapshot, the agent's attachments) goes away in `finally`,
// whether the backup worked or not; a failure stays the script's exit status.
const snapshotsService = vmsService.vmService(dataVm.id!).snapshotsService();
const attachmentsService = vmsService.vmService(agentVm.id!).diskAttachmentsService();
const attachments: types.DiskAttachment[] = [];
let snapshot: types.Snapshot | undefined;
try {
  // Not cut short by Ctrl-C: the snapshot it takes is to be removed below.
  snapshot = await snapshotsService.add({
    description: snapshotDescription,
    persistMemorystate: false,
  });
  const snapshotService = snapshotsService.snapshotService(snapshot.id!);
  await waitFor(
    () => snapshotService.get(),
    (current) => current.snapshotStatus === types.SnapshotStatus.OK,
    { signal },
  );
  console.log(`Created snapshot '${snapshotDescription}'`);

  // Attach the disks as they are in the snapshot to the agent VM.
  for (const disk of await snapshotService.disksService().list({ signal })) {
    signal.throwIfAborted(); // an attachment is not cut short: it is to be removed below
    const attachment = await attachmentsService.add({
      disk: { id: disk.id, snapshot: { id: snapshot.id } },
      active: true,
      bootable: false,
      interface: types.DiskInterface.VIRTIO,
    });
    attachments.push(attachment);
    const where = attachment.logicalName ?? "a device the guest agent does not report";
    console.log(`Attached disk ${disk.name} to VM ${agentVm.name} as ${where}`);
  }

  // Here the backup software in the agent VM copies the attached disks.
} finally {
  await cleanUp();
}
await notify(`${backupName} is completed.`);

/** Detaches the disks from the agent VM and removes the snapshot; says what it could not. */
async function cleanUp(): Promise<void> {
  for (const attachment of attachments) {
    try {
      await attachmentsService.attachmentService(attachment.id!).remove();
      console.log(`Detached disk ${attachment.disk?.id} from VM ${agentVm.name}`);
    } catch (error) {
      console.error(`Could not detach disk ${attachment.disk?.id}: ${(error as Error).message}`);
      Deno.exitCode = 1;
    }
  }
  if (!snapshot) return;
  try {
    // A snapshot still being taken cannot be removed yet.
    const snapshotService = snapshotsService.snapshotService(snapshot.id!);
    await waitFor(
      () => snapshotService.get(),
      (current) => current.snapshotStatus !== types.SnapshotStatus.LOCKED,
    );
    await snapshotService.remove();
    await waitFor(
      () => snapshotsService.list(),
      (snapshots) => !snapshots.some((item) => item.id === snapshot!.id),
    );
    console.log(`Removed snapshot '${snapshotDescription}'`);
  } catch (error) {
    console.error(
      `Could not remove snapshot '${snapshotDescription}': ${(error as Error).message}`,
    );
    Deno.exitCode = 1;
  }
}

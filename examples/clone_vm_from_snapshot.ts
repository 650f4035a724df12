/**
 * Creates a new virtual machine from a snapshot of another one: the new VM gets the
 * configuration and copies of the disks as they were when the snapshot was taken. Waits
 * until the disks are copied.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/clone_vm_from_snapshot.ts
 * [--vm vm003] [--snapshot "My snapshot"] [--name myclonedvm] [--cluster Default]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/clone_vm_from_snapshot.ts [--vm vm003] [--snapshot "My snapshot"] [--name myclonedvm] [--cluster Default]';

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  snapshot: { type: "string", default: "My snapshot" },
  name: { type: "string", default: "myclonedvm" },
  cluster: { type: "string", default: "Default" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

// Snapshots cannot be searched: list them and pick the one by description.
const snapshots = await vmsService.vmService(vm.id!).snapshotsService().list();
const snapshot = found(
  snapshots.find((candidate) => candidate.description === values.snapshot),
  `VM ${vm.name} has no snapshot "${values.snapshot}"`,
);

const clone = await vmsService.addFromSnapshot({
  name: String(values.name),
  cluster: { name: String(values.cluster) },
  snapshots: [{ id: snapshot.id }],
});
console.log(`Cloning snapshot "${snapshot.description}" of ${vm.name} as VM ${clone.name}`);

await waitForStatus(vmsService.vmService(clone.id!), types.VmStatus.DOWN);
console.log(`VM ${clone.name} (${clone.id}) is ready`);

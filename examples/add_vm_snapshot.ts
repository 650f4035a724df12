/**
 * Takes a snapshot of a virtual machine's disks and waits until it is complete.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_snapshot.ts
 * [--vm vm003] [--description "My snapshot"] [--with-memory]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitFor,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_snapshot.ts [--vm vm003] [--description "My snapshot"] [--with-memory]';

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  description: { type: "string", default: "My snapshot" },
  "with-memory": { type: "boolean", default: false },
});

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);

const snapshotsService = vmsService.vmService(vm.id!).snapshotsService();
const snapshot = await snapshotsService.add({
  description: String(values.description),
  persistMemorystate: values["with-memory"] === true,
});
console.log(`Taking snapshot "${snapshot.description}" (${snapshot.id}) of VM ${vm.name}`);

// Snapshots report their state in `snapshotStatus`, not `status`.
await waitFor(
  () => snapshotsService.snapshotService(snapshot.id!).get(),
  (current) => current.snapshotStatus === types.SnapshotStatus.OK,
  { description: `snapshot ${snapshot.id} ok` },
);
console.log(`Snapshot "${snapshot.description}" is complete`);

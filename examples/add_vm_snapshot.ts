/**
 * Takes a snapshot of a virtual machine's disks and waits until it is complete.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_snapshot.ts
 * [--vm vm003] [--description "My snapshot"] [--with-memory]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitFor } from "../mod.ts";

const USAGE =
  'Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_snapshot.ts [--vm vm003] [--description "My snapshot"] [--with-memory]';

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        vm: { type: "string", default: "vm003" },
        description: { type: "string", default: "My snapshot" },
        "with-memory": { type: "boolean", default: false },
        // The connection's flags, which connectionOptionsFromEnv() reads.
        url: { type: "string" },
        username: { type: "string" },
        password: { type: "string" },
        "ca-file": { type: "string" },
        insecure: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
})();

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);

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

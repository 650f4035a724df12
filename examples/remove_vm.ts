/**
 * Removes a virtual machine and its disks. A running VM is powered off first.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/remove_vm.ts
 * --vm NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitFor, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/remove_vm.ts --vm NAME";

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
        vm: { type: "string" },
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
if (!values.vm) usage("Name the VM to remove with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

// Exactly that name: in a search, `*` would match others too.
const vm = (await vmsService.list({ search: `name=${values.vm}` }))
  .find((found) => found.name === values.vm);
if (!vm) throw new Error(`No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

if (vm.status !== types.VmStatus.DOWN) {
  console.log(`VM ${vm.name} is ${vm.status}, powering it off`);
  await vmService.stop();
  await waitForStatus(vmService, types.VmStatus.DOWN);
}

await vmService.remove();
// The engine may keep the VM for a while, locked, until its disks are removed.
await waitFor(
  () => vmsService.list({ search: `name=${vm.name}` }),
  (found) => found.length === 0,
  { description: `VM ${vm.name} gone` },
);
console.log(`Removed VM ${vm.name} (${vm.id})`);

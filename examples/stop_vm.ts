/**
 * Powers off a virtual machine (like pulling the plug; use `shutdown` for a clean guest
 * shutdown) and waits until it is down.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/stop_vm.ts --vm NAME`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/stop_vm.ts --vm NAME";

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
if (!values.vm) usage("Name the VM to power off with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

// Exactly that name: in a search, `*` would match others too.
const vm = (await vmsService.list({ search: `name=${values.vm}` }))
  .find((found) => found.name === values.vm);
if (!vm) throw new Error(`No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.stop();
console.log(`Powering off VM ${vm.name}`);

await waitForStatus(vmService, types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down`);

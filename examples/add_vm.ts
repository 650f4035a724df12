/**
 * Creates a virtual machine from the Blank template in the `Default` cluster, with
 * 2 GiB of memory, and waits until it is down (created and ready to start).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm.ts [--name myvm]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm.ts [--name myvm]";

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
        name: { type: "string", default: "myvm" },
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

const vm = await vmsService.add({
  name: String(values.name),
  cluster: { name: "Default" },
  template: { name: "Blank" },
  memory: 2 * 1024 ** 3,
});
console.log(`Added VM ${vm.name} (${vm.id}), status ${vm.status}`);

await waitForStatus(vmsService.vmService(vm.id!), types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down and ready to start`);

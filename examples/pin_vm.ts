/**
 * Pins a virtual machine to a host: the VM will only run on that host and will not be
 * migrated away from it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/pin_vm.ts
 * [--vm vm003] [--host host1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/pin_vm.ts [--vm vm003] [--host host1]";

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
        host: { type: "string", default: "host1" },
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
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
const [host] = await systemService.hostsService().list({ search: `name=${values.host}` });
if (!host) throw new Error(`No host named ${values.host}`);

const updated = await vmsService.vmService(vm.id!).update({
  placementPolicy: { affinity: types.VmAffinity.PINNED, hosts: [{ id: host.id }] },
});
console.log(`VM ${vm.name} is pinned to host ${host.name}`);
console.log(`  placement policy: ${updated.placementPolicy?.affinity}`);

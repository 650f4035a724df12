/**
 * Enables the serial console of a virtual machine (reachable through the engine's serial
 * console proxy with `ssh -t -p 2222 ovirt-vmconsole@engine`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/enable_serial_console.ts
 * [--vm vm003]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/enable_serial_console.ts [--vm vm003]";

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

const updated = await vmsService.vmService(vm.id!).update({ console: { enabled: true } });
console.log(`Serial console of VM ${updated.name}: ${updated.console?.enabled ? "on" : "off"}`);

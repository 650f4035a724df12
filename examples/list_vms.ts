/**
 * Lists the virtual machines with their status and memory.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vms.ts`
 * (engine URL and credentials from OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD,
 * OVIRT_CA_FILE, or the flags --url, --username, --password, --ca-file).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_vms.ts";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

try {
  parseArgs({
    args: Deno.args,
    options: {
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

await using connection = new Connection(connectionOptionsFromEnv());

const vms = await connection.systemService().vmsService().list();
for (const vm of vms) {
  const memory = vm.memory === undefined ? "?" : `${Number(vm.memory) / 1024 ** 2} MiB`;
  console.log(`${vm.name}: ${vm.status}, ${memory}`);
}

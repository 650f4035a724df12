/**
 * Lists the virtual machines with their status and memory.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vms.ts`
 * (engine URL and credentials from OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD,
 * OVIRT_CA_FILE, or the flags --url, --username, --password, --ca-file).
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_vms.ts";

scriptArgs(USAGE, {});

await using connection = new Connection(connectionOptionsFromEnv());

const vms = await connection.systemService().vmsService().list();
for (const vm of vms) {
  const memory = vm.memory === undefined ? "?" : `${Number(vm.memory) / 1024 ** 2} MiB`;
  console.log(`${vm.name}: ${vm.status}, ${memory}`);
}

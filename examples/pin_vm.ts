/**
 * Pins a virtual machine to a host: the VM will only run on that host and will not be
 * migrated away from it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/pin_vm.ts
 * [--vm vm003] [--host host1]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/pin_vm.ts [--vm vm003] [--host host1]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  host: { type: "string", default: "host1" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const host = found(
  await findByName(systemService.hostsService(), values.host),
  `No host named ${values.host}`,
);

const updated = await vmsService.vmService(vm.id!).update({
  placementPolicy: { affinity: types.VmAffinity.PINNED, hosts: [{ id: host.id }] },
});
console.log(`VM ${vm.name} is pinned to host ${host.name}`);
console.log(`  placement policy: ${updated.placementPolicy?.affinity}`);

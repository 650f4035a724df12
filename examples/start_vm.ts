/**
 * Starts a virtual machine and waits until it is up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/start_vm.ts [--vm vm003]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/start_vm.ts [--vm vm003]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.start();
console.log(`Starting VM ${vm.name}`);

const running = await waitForStatus(vmService, types.VmStatus.UP);
const host = await connection.followLink(running.host!);
console.log(`VM ${vm.name} is up on host ${host.name}`);

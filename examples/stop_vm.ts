/**
 * Powers off a virtual machine (like pulling the plug; use `shutdown` for a clean guest
 * shutdown) and waits until it is down.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/stop_vm.ts --vm NAME`
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

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/stop_vm.ts --vm NAME";

const { values, usage } = scriptArgs(USAGE, {
  vm: { type: "string" },
});
if (!values.vm) throw usage("Name the VM to power off with --vm");

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.stop();
console.log(`Powering off VM ${vm.name}`);

await waitForStatus(vmService, types.VmStatus.DOWN);
console.log(`VM ${vm.name} is down`);

/**
 * Starts a virtual machine once with another boot order (e.g. from the network or a CD to
 * reinstall it), without changing its configuration: the next normal start boots as
 * before. Waits until the VM is up.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/start_vm_with_boot_devices.ts
 * [--vm vm003] [--boot network,hd]` (devices among `hd`, `cdrom`, `network`, first one first)
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/start_vm_with_boot_devices.ts [--vm vm003] [--boot network,hd]";

const { values } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm003" },
  boot: { type: "string", default: "network,hd" },
});

const devices = String(values.boot).split(",").map((device) => device.trim() as types.BootDevice);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const vmService = vmsService.vmService(vm.id!);

await vmService.start({ vm: { os: { boot: { devices } } } });
console.log(`Starting VM ${vm.name} once, booting from ${devices.join(", then ")}`);

const running = await waitForStatus(vmService, types.VmStatus.UP);
console.log(`VM ${vm.name} is up (run once: ${running.runOnce})`);

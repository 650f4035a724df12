/**
 * Prints the MAC addresses that more than one virtual NIC uses, with the VMs and NICs that
 * share each of them. Read-only; see fix_dup_nic_macs.ts to repair them.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/print_vm_mac_duplicates.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/print_vm_mac_duplicates.ts";

scriptArgs(USAGE, {});

await using connection = new Connection(connectionOptionsFromEnv());

// One request: the VMs with their NICs inline.
const vms = await connection.systemService().vmsService().list({ follow: "nics" });
const users = new Map<string, string[]>();
for (const vm of vms) {
  for (const nic of vm.nics ?? []) {
    const mac = nic.mac?.address;
    if (mac) users.set(mac, [...users.get(mac) ?? [], `${vm.name}/${nic.name} (${vm.status})`]);
  }
}

const duplicates = [...users].filter(([, nics]) => nics.length > 1);
for (const [mac, nics] of duplicates) console.log(`MAC ${mac} is used by ${nics.join(", ")}`);
console.log(`${duplicates.length} duplicate MAC address(es) among ${users.size}`);

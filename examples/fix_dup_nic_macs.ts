/**
 * Finds virtual NICs that share a MAC address (old engines could hand out the same
 * address twice) in the VMs of some data centers, and gives all but one of them a new
 * address from the MAC pool by removing and re-adding them with the same settings. A NIC
 * can only be refreshed if its VM is down or the NIC unplugged: a MAC that more than one
 * running, plugged NIC uses is reported and left alone.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/fix_dup_nic_macs.ts
 * [--data-center Default] [--dry-run]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, type types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/fix_dup_nic_macs.ts [--data-center Default] [--dry-run]";

const { values } = scriptArgs(USAGE, {
  "data-center": { type: "string", default: "Default" },
  "dry-run": { type: "boolean", default: false },
});

interface NicUse {
  vm: types.Vm;
  nic: types.Nic;
}

/** A NIC whose MAC can change: its VM is down, or it is unplugged. */
function canRefresh({ vm, nic }: NicUse): boolean {
  return vm.status === "down" || nic.plugged === false;
}

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();

const vms = await vmsService.list({
  search: `datacenter=${values["data-center"]}`,
  follow: "nics",
});
const usesByMac = new Map<string, NicUse[]>();
for (const vm of vms) {
  for (const nic of vm.nics ?? []) {
    const mac = nic.mac?.address;
    if (mac) usesByMac.set(mac, [...usesByMac.get(mac) ?? [], { vm, nic }]);
  }
}

let refreshed = 0;
for (const [mac, uses] of usesByMac) {
  if (uses.length < 2) continue;
  const names = uses.map(({ vm, nic }) => `${vm.name}/${nic.name}`);
  console.log(`MAC ${mac} is used by ${names.join(", ")}`);
  const fixed = uses.filter(canRefresh);
  if (uses.length - fixed.length > 1) {
    console.log(`  cannot fix: more than one of these NICs is plugged into a running VM`);
    continue;
  }
  // Keep the address on the NIC that cannot change, or else on the first one.
  const toRefresh = fixed.length === uses.length ? fixed.slice(1) : fixed;
  for (const { vm, nic } of toRefresh) {
    if (values["dry-run"]) {
      console.log(`  would give ${vm.name}/${nic.name} a new MAC`);
      continue;
    }
    const nicsService = vmsService.vmService(vm.id!).nicsService();
    await nicsService.nicService(nic.id!).remove();
    const added = await nicsService.add({
      name: nic.name,
      description: nic.description,
      interface: nic.interface,
      vnicProfile: nic.vnicProfile && { id: nic.vnicProfile.id },
      plugged: nic.plugged,
      linked: nic.linked,
    });
    console.log(`  ${vm.name}/${nic.name} now has MAC ${added.mac?.address}`);
    refreshed++;
  }
}
console.log(`${refreshed} NIC(s) got a new MAC address`);

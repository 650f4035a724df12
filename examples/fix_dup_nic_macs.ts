/**
 * Finds virtual NICs that share a MAC address (old engines could hand out the same
 * address twice) in the VMs of a data center, and gives all but one of them a new address
 * from the MAC pool. The NIC itself is kept (its id, name, profile and device address): the
 * pool hands out a free address to a spare unplugged NIC added to the VM for a moment, and
 * the NIC is updated to that address. A NIC can only be refreshed if its VM is down or the
 * NIC unplugged: a MAC that more than one running, plugged NIC uses is reported and left
 * alone. What could not be done (a refused update, a spare NIC that could not be removed
 * again) is said on stderr, naming the VM and NIC, and the script ends with exit code 1.
 * A data center that does not exist is an error.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/fix_dup_nic_macs.ts
 * [--data-center Default] [--dry-run]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  type types,
  type VmNicsService,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

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

/**
 * A free MAC address of the pool: the one it gives a spare NIC, unplugged and unlinked, added
 * to the VM and removed again at once (the address is free again then, for the update).
 */
async function freshMac(vm: types.Vm, nicsService: VmNicsService): Promise<string> {
  const spare = await nicsService.add({
    name: `spare-${crypto.randomUUID().slice(0, 8)}`,
    plugged: false,
    linked: false,
  });
  try {
    await nicsService.nicService(spare.id!).remove();
  } catch (error) {
    throw new Error(
      `could not remove the spare NIC ${vm.name}/${spare.name} (${spare.id}) again: ` +
        `${(error as Error).message}; remove it by hand`,
    );
  }
  return spare.mac!.address!;
}

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const dataCenter = found(
  await findByName(systemService.dataCentersService(), values["data-center"]),
  `No data center named ${values["data-center"]}`,
);
const vms = await vmsService.list({
  search: searchQuery(where.eq("datacenter", dataCenter.name!)).text,
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
    try {
      const address = await freshMac(vm, nicsService);
      const updated = await nicsService.nicService(nic.id!).update({ mac: { address } });
      console.log(`  ${vm.name}/${nic.name} now has MAC ${updated.mac?.address}`);
      refreshed++;
    } catch (error) {
      console.error(`  ${vm.name}/${nic.name} keeps MAC ${mac}: ${(error as Error).message}`);
      Deno.exitCode = 1;
    }
  }
}
console.log(`${refreshed} NIC(s) got a new MAC address`);

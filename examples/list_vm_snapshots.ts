/**
 * Lists the snapshots of every virtual machine with the disks each snapshot holds, one
 * line per disk: `vm:snapshot:disk:storage domain`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vm_snapshots.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_vm_snapshots.ts";

scriptArgs(USAGE, {});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

// Look storage domain names up locally instead of fetching each domain.
const domainNames = new Map(
  (await systemService.storageDomainsService().list()).map((domain) => [domain.id, domain.name]),
);

for (const vm of await vmsService.list()) {
  const snapshotsService = vmsService.vmService(vm.id!).snapshotsService();
  for (const snapshot of await snapshotsService.list()) {
    const disks = await snapshotsService.snapshotService(snapshot.id!).disksService().list();
    for (const disk of disks) {
      const domain = domainNames.get(disk.storageDomains?.[0]?.id) ?? "?";
      console.log(`${vm.name}:${snapshot.description}:${disk.alias}:${domain}`);
    }
  }
}

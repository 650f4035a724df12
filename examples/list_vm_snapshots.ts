/**
 * Lists the snapshots of every virtual machine with the disks each snapshot holds, one
 * line per disk: `vm:snapshot:disk:storage domain`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_vm_snapshots.ts`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/list_vm_snapshots.ts";

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

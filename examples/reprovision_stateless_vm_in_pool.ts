/**
 * Reprovisions a stateless virtual machine of a pool: powers it off, which discards every
 * change made since it started (its stateless snapshot), waits until the engine has
 * restored it, and starts it again fresh from the pool's template.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/reprovision_stateless_vm_in_pool.ts --pool NAME [--vm mypool-1]` (by
 * default the first running VM of the pool)
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  waitForStatus,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/reprovision_stateless_vm_in_pool.ts --pool NAME [--vm mypool-1]";

const { values, usage } = scriptArgs(USAGE, {
  pool: { type: "string" },
  vm: { type: "string" },
});
if (!values.pool) throw usage("Name the pool of the VM to reprovision with --pool");

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const pool = found(
  await findByName(systemService.vmPoolsService(), values.pool),
  `No pool named ${values.pool}`,
);
// The engine matches `pool=` without regard to case: keep the VMs of this very pool.
const poolVms = (await vmsService.list({ search: searchQuery(where.eq("pool", values.pool)).text }))
  .filter((candidate) => candidate.vmPool?.id === pool.id);
const vm = found(
  values.vm === undefined
    ? poolVms.find((candidate) => candidate.status === types.VmStatus.UP)
    : poolVms.find((candidate) => candidate.name === values.vm),
  `Pool ${values.pool} has no ${values.vm ?? "running"} VM`,
);
const vmService = vmsService.vmService(vm.id!);

if (vm.status !== types.VmStatus.DOWN) {
  await vmService.stop();
  await waitForStatus(vmService, types.VmStatus.DOWN);
  console.log(`Powered off VM ${vm.name}`);
}

// The engine removes the stateless snapshot after the VM is down; until then the VM
// cannot start.
const snapshotsService = vmService.snapshotsService();
await waitFor(
  () => snapshotsService.list(),
  (snapshots) =>
    snapshots.every(({ snapshotType }) => snapshotType !== types.SnapshotType.STATELESS),
  { description: `stateless snapshot of VM ${vm.name} discarded` },
);
console.log(`VM ${vm.name} is restored to its template`);

await vmService.start();
const running = await waitForStatus(vmService, types.VmStatus.UP);
console.log(`VM ${vm.name} is up again, since ${running.startTime?.toISOString()}`);

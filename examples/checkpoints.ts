/**
 * Lists the checkpoints of a virtual machine, oldest first: each backup leaves one, from
 * which the next incremental backup starts. With `--keep N`, removes the older ones so
 * that only the N newest remain; the engine removes only the oldest (root) checkpoint, so
 * they go one at a time, oldest first.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/checkpoints.ts
 * [--vm vm001] [--keep N]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, waitFor } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/checkpoints.ts [--vm vm001] [--keep N]";

const { values, integer } = scriptArgs(USAGE, {
  vm: { type: "string", default: "vm001" },
  keep: { type: "string" },
});
const keep = values.keep === undefined ? undefined : integer("keep", values.keep, 0);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();
const vm = found(await findByName(vmsService, values.vm), `No VM named ${values.vm}`);
const checkpointsService = vmsService.vmService(vm.id!).checkpointsService();

const checkpoints = (await checkpointsService.list()).sort((a, b) =>
  (a.creationDate?.getTime() ?? 0) - (b.creationDate?.getTime() ?? 0)
);
console.log(`VM ${vm.name} has ${checkpoints.length} checkpoints`);
for (const checkpoint of checkpoints) {
  console.log(
    `${checkpoint.id}: created ${checkpoint.creationDate?.toISOString()}, ` +
      `parent ${checkpoint.parentId ?? "none"}, ${checkpoint.state}`,
  );
}

if (keep !== undefined) {
  const removed = checkpoints.slice(0, Math.max(0, checkpoints.length - keep));
  for (const checkpoint of removed) {
    await checkpointsService.checkpointService(checkpoint.id!).remove();
    await waitFor(
      () => checkpointsService.list(),
      (left) => !left.some((item) => item.id === checkpoint.id),
    );
    console.log(`Removed checkpoint ${checkpoint.id}`);
  }
}

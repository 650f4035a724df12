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

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, waitFor } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/checkpoints.ts [--vm vm001] [--keep N]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

/** The value of a flag that takes a whole number of at least `min`, else a usage error. */
function integer(flag: string, text: string, min = 1): number {
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    usage(`--${flag} takes a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        vm: { type: "string", default: "vm001" },
        keep: { type: "string" },
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
})();
const keep = values.keep === undefined ? undefined : integer("keep", values.keep, 0);

await using connection = new Connection(connectionOptionsFromEnv());
const vmsService = connection.systemService().vmsService();
const [vm] = await vmsService.list({ search: `name=${values.vm}` });
if (!vm) throw new Error(`No VM named ${values.vm}`);
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

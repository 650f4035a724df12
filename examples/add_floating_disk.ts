/**
 * Creates a floating disk, one that is not attached to any virtual machine: thin
 * provisioned qcow2 (`cow`) on a data storage domain, and waits until it is ready.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_floating_disk.ts
 * [--name mydisk] [--storage-domain data] [--size-gib 10]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitForStatus } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_floating_disk.ts [--name mydisk] [--storage-domain data] [--size-gib 10]";

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
        name: { type: "string", default: "mydisk" },
        "storage-domain": { type: "string", default: "data" },
        "size-gib": { type: "string", default: "10" },
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
const sizeGib = integer("size-gib", values["size-gib"]);

await using connection = new Connection(connectionOptionsFromEnv());
const disksService = connection.systemService().disksService();

// The size is in bytes: 10 GiB is 10 * 2^30.
const disk = await disksService.add({
  name: String(values.name),
  description: "My disk",
  format: types.DiskFormat.COW,
  sparse: true,
  provisionedSize: sizeGib * 1024 ** 3,
  storageDomains: [{ name: String(values["storage-domain"]) }],
});
console.log(`Added disk ${disk.name} (${disk.id}), status ${disk.status}`);

await waitForStatus(disksService.diskService(disk.id!), types.DiskStatus.OK);
console.log(`Disk ${disk.name} is ready`);

/**
 * Creates an automatic pool of virtual machines from a template: the engine creates the
 * pool's VMs (stateless: changes are discarded when a user's VM shuts down). Waits until
 * the VMs are created.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_vm_pool.ts
 * [--name mypool] [--cluster Default] [--template centos9] [--size 3] [--prestarted 1]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types, waitFor } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_pool.ts [--name mypool] [--cluster Default] [--template centos9] [--size 3] [--prestarted 1]";

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
        name: { type: "string", default: "mypool" },
        cluster: { type: "string", default: "Default" },
        template: { type: "string", default: "centos9" },
        size: { type: "string", default: "3" },
        prestarted: { type: "string", default: "1" },
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
const size = integer("size", values.size);
const prestarted = integer("prestarted", values.prestarted, 0);

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();

const pool = await systemService.vmPoolsService().add({
  name: String(values.name),
  description: "Created by the add_vm_pool example",
  cluster: { name: String(values.cluster) },
  template: { name: String(values.template) },
  type: types.VmPoolType.AUTOMATIC,
  size: size,
  prestartedVms: prestarted,
  maxUserVms: 1,
});
console.log(`Added pool ${pool.name} (${pool.id}) of ${pool.size} VMs`);

const poolVms = await waitFor(
  () => systemService.vmsService().list({ search: `pool=${pool.name}` }),
  (vms) => vms.length === pool.size && vms.every((vm) => vm.status !== types.VmStatus.IMAGE_LOCKED),
  { description: `the VMs of pool ${pool.name} created` },
);
console.log(`Pool VMs: ${poolVms.map((vm) => `${vm.name} (${vm.status})`).join(", ")}`);

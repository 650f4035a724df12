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

import {
  Connection,
  connectionOptionsFromEnv,
  scriptArgs,
  searchQuery,
  types,
  waitFor,
  where,
} from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_vm_pool.ts [--name mypool] [--cluster Default] [--template centos9] [--size 3] [--prestarted 1]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "mypool" },
  cluster: { type: "string", default: "Default" },
  template: { type: "string", default: "centos9" },
  size: { type: "string", default: "3" },
  prestarted: { type: "string", default: "1" },
});
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

// The engine matches `pool=` without regard to case: keep the VMs of this very pool.
const search = searchQuery(where.eq("pool", pool.name!)).text;
const poolVms = await waitFor(
  async () =>
    (await systemService.vmsService().list({ search })).filter((vm) => vm.vmPool?.id === pool.id),
  (vms) => vms.length === pool.size && vms.every((vm) => vm.status !== types.VmStatus.IMAGE_LOCKED),
  { description: `the VMs of pool ${pool.name} created` },
);
console.log(`Pool VMs: ${poolVms.map((vm) => `${vm.name} (${vm.status})`).join(", ")}`);

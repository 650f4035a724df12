/**
 * Creates an affinity label. Labels group VMs and hosts: a VM with a label runs only
 * on hosts with the same label (see `assign_affinity_label_to_vm.ts`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_affinity_label.ts
 * [--name mylabel]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_affinity_label.ts [--name mylabel]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mylabel" },
});

await using connection = new Connection(connectionOptionsFromEnv());

const label = await connection.systemService().affinityLabelsService().add({
  name: String(values.name),
});
console.log(`Added affinity label ${label.name} (${label.id})`);

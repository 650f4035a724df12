/**
 * Creates an instance type: a named hardware profile (memory, CPU topology, high
 * availability) that new virtual machines can be based on.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_instance_type.ts
 * [--name myinstancetype] [--memory-gib 2] [--sockets 2] [--cores 2]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    name: { type: "string", default: "myinstancetype" },
    "memory-gib": { type: "string", default: "2" },
    sockets: { type: "string", default: "2" },
    cores: { type: "string", default: "2" },
  },
  strict: false,
});

await using connection = new Connection(connectionOptionsFromEnv());
const instanceTypesService = connection.systemService().instanceTypesService();

const memory = Number(values["memory-gib"]) * 1024 ** 3;
const instanceType = await instanceTypesService.add({
  name: String(values.name),
  description: "Created by the add_instance_type example",
  memory,
  memoryPolicy: { guaranteed: memory, max: 2 * memory },
  cpu: {
    topology: { sockets: Number(values.sockets), cores: Number(values.cores), threads: 1 },
  },
  highAvailability: { enabled: true, priority: 1 },
});
const topology = instanceType.cpu?.topology;
console.log(`Added instance type ${instanceType.name} (${instanceType.id})`);
console.log(
  `  memory ${memory / 1024 ** 3} GiB, ${topology?.sockets} sockets x ${topology?.cores} cores`,
);

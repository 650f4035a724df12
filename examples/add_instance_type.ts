/**
 * Creates an instance type: a named hardware profile (memory, CPU topology, high
 * availability) that new virtual machines can be based on.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_instance_type.ts
 * [--name myinstancetype] [--memory-gib 2] [--sockets 2] [--cores 2]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_instance_type.ts [--name myinstancetype] [--memory-gib 2] [--sockets 2] [--cores 2]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "myinstancetype" },
  "memory-gib": { type: "string", default: "2" },
  sockets: { type: "string", default: "2" },
  cores: { type: "string", default: "2" },
});
const memoryGib = integer("memory-gib", values["memory-gib"]);
const sockets = integer("sockets", values.sockets);
const cores = integer("cores", values.cores);

await using connection = new Connection(connectionOptionsFromEnv());
const instanceTypesService = connection.systemService().instanceTypesService();

const memory = memoryGib * 1024 ** 3;
const instanceType = await instanceTypesService.add({
  name: String(values.name),
  description: "Created by the add_instance_type example",
  memory,
  memoryPolicy: { guaranteed: memory, max: 2 * memory },
  cpu: {
    topology: { sockets: sockets, cores: cores, threads: 1 },
  },
  highAvailability: { enabled: true, priority: 1 },
});
const topology = instanceType.cpu?.topology;
console.log(`Added instance type ${instanceType.name} (${instanceType.id})`);
console.log(
  `  memory ${memory / 1024 ** 3} GiB, ${topology?.sockets} sockets x ${topology?.cores} cores`,
);

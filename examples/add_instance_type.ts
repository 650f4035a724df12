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

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_instance_type.ts [--name myinstancetype] [--memory-gib 2] [--sockets 2] [--cores 2]";

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
        name: { type: "string", default: "myinstancetype" },
        "memory-gib": { type: "string", default: "2" },
        sockets: { type: "string", default: "2" },
        cores: { type: "string", default: "2" },
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

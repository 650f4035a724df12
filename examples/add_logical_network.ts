/**
 * Creates a logical network for VMs in a data center, tagged with a VLAN. To use it,
 * assign it to clusters (`assign_network_to_cluster.ts`) and attach it to host NICs
 * (`add_bond.ts`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_logical_network.ts
 * [--name mynetwork] [--data-center Default] [--vlan 200] [--mtu 1500]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv, types } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_logical_network.ts [--name mynetwork] [--data-center Default] [--vlan 200] [--mtu 1500]";

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
        name: { type: "string", default: "mynetwork" },
        "data-center": { type: "string", default: "Default" },
        vlan: { type: "string", default: "200" },
        mtu: { type: "string", default: "1500" },
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
const vlan = integer("vlan", values.vlan, 0);
const mtu = integer("mtu", values.mtu, 0);

await using connection = new Connection(connectionOptionsFromEnv());

const network = await connection.systemService().networksService().add({
  name: String(values.name),
  description: "Added by the add_logical_network example",
  dataCenter: { name: String(values["data-center"]) },
  vlan: { id: vlan },
  usages: [types.NetworkUsage.VM],
  mtu: mtu,
});
console.log(
  `Added network ${network.name} (${network.id}) to data center ${values["data-center"]}`,
);
console.log(
  `  VLAN ${network.vlan?.id}, MTU ${network.mtu}, usages: ${network.usages?.join(", ")}`,
);

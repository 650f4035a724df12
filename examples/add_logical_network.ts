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

import { Connection, connectionOptionsFromEnv, scriptArgs, types } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_logical_network.ts [--name mynetwork] [--data-center Default] [--vlan 200] [--mtu 1500]";

const { values, integer } = scriptArgs(USAGE, {
  name: { type: "string", default: "mynetwork" },
  "data-center": { type: "string", default: "Default" },
  vlan: { type: "string", default: "200" },
  mtu: { type: "string", default: "1500" },
});
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

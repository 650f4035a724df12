/**
 * Bonds two NICs of a host and attaches a logical network to the bond, then makes the
 * configuration persistent. Without `--address` the network gets no IP address on the
 * host (as usual for VM networks); with it, a static one.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_bond.ts
 * [--host host1] [--bond bond0] [--slaves eth1,eth2] [--mode 1] [--network vmnet]
 * [--address 192.0.2.100 --netmask 255.255.255.0]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs, types } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_bond.ts [--host host1] [--bond bond0] [--slaves eth1,eth2] [--mode 1] [--network vmnet] [--address 192.0.2.100 --netmask 255.255.255.0]";

const { values } = scriptArgs(USAGE, {
  host: { type: "string", default: "host1" },
  bond: { type: "string", default: "bond0" },
  slaves: { type: "string", default: "eth1,eth2" },
  mode: { type: "string", default: "1" }, // 1: active-backup, 4: 802.3ad (LACP)
  network: { type: "string", default: "vmnet" },
  address: { type: "string" },
  netmask: { type: "string", default: "255.255.255.0" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
const hostService = hostsService.hostService(host.id!);

const ipAddressAssignments: types.IpAddressAssignment[] = typeof values.address === "string"
  ? [{
    assignmentMethod: types.BootProtocol.STATIC,
    ip: { address: values.address, netmask: String(values.netmask) },
  }]
  : [];

// One request changes the whole network configuration of the host; the engine rolls it
// back if the host loses its connection to the engine.
await hostService.setupNetworks({
  modifiedBonds: [{
    name: String(values.bond),
    bonding: {
      options: [{ name: "mode", value: String(values.mode) }, { name: "miimon", value: "100" }],
      slaves: String(values.slaves).split(",").map((name) => ({ name })),
    },
  }],
  modifiedNetworkAttachments: [{
    network: { name: String(values.network) },
    hostNic: { name: String(values.bond) },
    ipAddressAssignments,
  }],
  checkConnectivity: true,
});
console.log(`Bonded ${values.slaves} as ${values.bond} (mode ${values.mode}) on host ${host.name}`);
console.log(`  network ${values.network} attached to ${values.bond}`);

// Without this, the host goes back to its previous configuration when it reboots.
await hostService.commitNetConfig();
console.log("Network configuration saved on the host");

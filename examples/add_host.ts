/**
 * Adds a host to a cluster and waits until the engine has installed it and it is up.
 * The engine logs in to the host over SSH: with the root password from
 * OVIRT_HOST_ROOT_PASSWORD (or `--root-password`), or else with the engine's own SSH
 * key, which must then be in the host's `authorized_keys`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_host.ts
 * [--name myhost] [--address myhost.example.com] [--cluster Default] [--root-password ...]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, types, waitForStatus } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_host.ts [--name myhost] [--address myhost.example.com] [--cluster Default] [--root-password ...]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myhost" },
  address: { type: "string", default: "myhost.example.com" },
  cluster: { type: "string", default: "Default" },
  "root-password": { type: "string" },
});

const rootPassword = values["root-password"] ?? Deno.env.get("OVIRT_HOST_ROOT_PASSWORD");

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = await hostsService.add({
  name: String(values.name),
  description: "Added by the add_host example",
  address: String(values.address),
  cluster: { name: String(values.cluster) },
  ...(typeof rootPassword === "string"
    ? { rootPassword }
    : { ssh: { authenticationMethod: types.SshAuthenticationMethod.PUBLICKEY } }),
});
console.log(`Added host ${host.name} (${host.id}) to cluster ${values.cluster}, installing...`);

// Installing a host takes minutes: packages, certificates, network configuration.
const { UP, INSTALL_FAILED, NON_OPERATIONAL } = types.HostStatus;
const installed = await waitForStatus(
  hostsService.hostService(host.id!),
  [UP, INSTALL_FAILED, NON_OPERATIONAL],
  { interval: 5000, timeout: 30 * 60_000 },
);
if (installed.status !== UP) throw new Error(`Host ${host.name} is ${installed.status}`);
console.log(`Host ${host.name} is up`);

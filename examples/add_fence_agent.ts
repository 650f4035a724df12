/**
 * Adds a fence agent (here IPMI) to a host and enables power management and kdump
 * detection on it. kdump detection takes effect after reinstalling the host, so when it
 * was off the example moves the host to maintenance, reinstalls it (the engine logs in
 * with its SSH key) and waits until it is up again.
 *
 * The agent's password comes from OVIRT_FENCE_AGENT_PASSWORD (or `--agent-password`); the
 * engine refuses an agent without one.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_fence_agent.ts
 * [--host host2] [--type ipmilan] [--address host2-ipmi.example.com] [--agent-user admin]
 * [--agent-password PASSWORD]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  types,
  waitForStatus,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_fence_agent.ts [--host host2] [--type ipmilan] [--address host2-ipmi.example.com] [--agent-user admin] [--agent-password PASSWORD]";

const { values, usage } = scriptArgs(USAGE, {
  host: { type: "string", default: "host2" },
  type: { type: "string", default: "ipmilan" },
  address: { type: "string" },
  "agent-user": { type: "string", default: "admin" },
  "agent-password": { type: "string" },
});

const password = values["agent-password"] || Deno.env.get("OVIRT_FENCE_AGENT_PASSWORD");
if (!password) {
  throw usage("Give the agent's password: OVIRT_FENCE_AGENT_PASSWORD or --agent-password");
}

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
const hostService = hostsService.hostService(host.id!);

// Agents are tried in their order: this one comes after those the host already has.
const agentsService = hostService.fenceAgentsService();
const existing = await agentsService.list();
const agent = await agentsService.add({
  type: String(values.type),
  address: String(values.address ?? `${host.name}-ipmi.example.com`),
  username: String(values["agent-user"]),
  password,
  options: [{ name: "lanplus", value: "1" }],
  encryptOptions: false,
  order: existing.length + 1,
});
console.log(`Added ${agent.type} fence agent ${agent.address} to host ${host.name}`);

// Power management needs at least one agent; kdump detection needs power management.
const enableKdump = host.powerManagement?.kdumpDetection !== true;
await hostService.update({ powerManagement: { enabled: true, kdumpDetection: true } });
console.log(`Power management of host ${host.name} is enabled`);

if (enableKdump) {
  if (host.status !== types.HostStatus.MAINTENANCE) {
    await hostService.deactivate();
    await waitForStatus(hostService, types.HostStatus.MAINTENANCE, { interval: 5000 });
    console.log(`Host ${host.name} is in maintenance, reinstalling it for kdump detection`);
  }
  await hostService.install({
    ssh: { authenticationMethod: types.SshAuthenticationMethod.PUBLICKEY },
    activate: true,
  });
  const { UP, INSTALL_FAILED } = types.HostStatus;
  const reinstalled = await waitForStatus(hostService, [UP, INSTALL_FAILED], {
    interval: 5000,
    timeout: 30 * 60_000,
  });
  if (reinstalled.status !== UP) throw new Error(`Reinstalling host ${host.name} failed`);
  console.log(`Host ${host.name} is reinstalled and up`);
}

/**
 * Adds or changes options of a host's fence agent (e.g. `lanplus=1` for IPMI over
 * LAN+), keeping its other options: the update sends the whole new list.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/update_fencing_options.ts
 * [--host host1] [--type ipmilan] [--option lanplus=1 ...]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, findByName, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/update_fencing_options.ts [--host host1] [--type ipmilan] [--option lanplus=1 ...]";

const { values } = scriptArgs(USAGE, {
  host: { type: "string", default: "host1" },
  type: { type: "string", default: "ipmilan" },
  option: { type: "string", multiple: true, default: ["lanplus=1"] },
});

const changes = values.option.map((option) => {
  const [name, value] = option.split(/=(.*)/s, 2);
  return { name, value: value ?? "" };
});

await using connection = new Connection(connectionOptionsFromEnv());
const hostsService = connection.systemService().hostsService();

const host = found(await findByName(hostsService, values.host), `No host named ${values.host}`);
const agentsService = hostsService.hostService(host.id!).fenceAgentsService();

// The first agent of that type, in the order the engine tries them.
const agents = (await agentsService.list()).sort((a, b) =>
  Number(a.order ?? 0) - Number(b.order ?? 0)
);
const agent = found(
  agents.find((candidate) => candidate.type === values.type),
  `Host ${host.name} has no ${values.type} fence agent`,
);

const changed = new Set<string | undefined>(changes.map((option) => option.name));
const options = [
  ...(agent.options ?? []).filter((option) => !changed.has(option.name)),
  ...changes,
];
const updated = await agentsService.agentService(agent.id!).update({ options });
const shown = updated.options?.map((option) => `${option.name}=${option.value}`).join(", ");
console.log(`Fence agent ${agent.address} of host ${host.name}: ${shown}`);

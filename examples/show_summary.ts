/**
 * Prints the engine version and the summary of the API root: how many hosts, storage
 * domains, users and VMs there are, and how many of them are active.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/show_summary.ts`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE = "Usage: deno run --allow-net --allow-env --allow-read examples/show_summary.ts";

scriptArgs(USAGE, {});

await using connection = new Connection(connectionOptionsFromEnv());

const api = await connection.systemService().get();
console.log(`${api.productInfo?.name} ${api.productInfo?.version?.fullVersion}`);

// The summary is only sent to administrators.
const summary = api.summary ?? {};
const counts = {
  hosts: summary.hosts,
  "storage domains": summary.storageDomains,
  users: summary.users,
  VMs: summary.vms,
};
for (const [label, count] of Object.entries(counts)) {
  console.log(`${label}: ${count?.total ?? "?"} (${count?.active ?? "?"} active)`);
}

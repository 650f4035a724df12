/**
 * Builds connection options step by step and opens several connections from them, one
 * after the other: the options object plays the role of a connection builder. Creating
 * a `Connection` sends nothing; `await using` closes it (and logs out) at the end of its
 * block.
 *
 * The options shown: `url`, `username`, `password`, `caFile` (or `caCerts`, PEM text, or
 * `insecure` for tests) from the environment; `timeout` per call; `connections`, the
 * most requests in flight; `headers` sent with every request; `debug` and `log` to trace
 * requests (secrets hidden). With an SSO token instead of a password, set `token`; a
 * non-standard SSO needs `ssoUrl` and `ssoRevokeUrl`.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/connection_builder.ts
 * [--timeout 30] [--connections 4] [--debug]`
 *
 * @module
 */

import {
  Connection,
  type ConnectionOptions,
  connectionOptionsFromEnv,
  scriptArgs,
} from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/connection_builder.ts [--timeout 30] [--connections 4] [--debug]";

const { values, integer } = scriptArgs(USAGE, {
  timeout: { type: "string", default: "30" },
  connections: { type: "string", default: "4" },
  debug: { type: "boolean", default: false },
});
const timeout = integer("timeout", values.timeout);
const connections = integer("connections", values.connections);

// Where and who: OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD, OVIRT_CA_FILE (or flags).
const options: ConnectionOptions = connectionOptionsFromEnv();
// Give up on a call (login included) after this long.
options.timeout = timeout * 1000;
// At most this many requests at once over this connection.
options.connections = connections;
// Sent with every request: ask for engine messages in English.
options.headers = { "Accept-Language": "en-US" };
if (values.debug === true) {
  options.debug = true;
  options.log = (line) => console.error(`[ovirt] ${line}`);
}

{
  await using connection = new Connection(options);
  const vms = await connection.systemService().vmsService().list();
  console.log(`VMs: ${vms.map((vm) => vm.name).join(", ")}`);
}

// The same options make a new connection whenever one is needed.
{
  await using connection = new Connection(options);
  const hosts = await connection.systemService().hostsService().list();
  console.log(`Hosts: ${hosts.map((host) => host.name).join(", ")}`);
}

/**
 * Adds a group of a directory (an authorization provider such as `internal-authz` or an
 * LDAP domain) to the engine, so that permissions can be given to its members.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_group.ts
 * [--name mygroup] [--domain internal-authz]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_group.ts [--name mygroup] [--domain internal-authz]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "mygroup" },
  domain: { type: "string", default: "internal-authz" },
});

await using connection = new Connection(connectionOptionsFromEnv());

// The domain is named after the authorization provider (authz), not the login profile.
const group = await connection.systemService().groupsService().add({
  name: String(values.name),
  domain: { name: String(values.domain) },
});
console.log(`Added group ${group.name} (${group.id}) from domain ${values.domain}`);

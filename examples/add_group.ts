/**
 * Adds a group of a directory (an authorization provider such as `internal-authz` or an
 * LDAP domain) to the engine, so that permissions can be given to its members.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_group.ts
 * [--name mygroup] [--domain internal-authz]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_group.ts [--name mygroup] [--domain internal-authz]";

/** Refuses a wrong command line before doing anything: one line on stderr, exit code 2. */
function usage(problem: string): never {
  console.error(`${problem.split("\n")[0].replace(/\.$/, "")}. ${USAGE}`);
  Deno.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        name: { type: "string", default: "mygroup" },
        domain: { type: "string", default: "internal-authz" },
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

await using connection = new Connection(connectionOptionsFromEnv());

// The domain is named after the authorization provider (authz), not the login profile.
const group = await connection.systemService().groupsService().add({
  name: String(values.name),
  domain: { name: String(values.domain) },
});
console.log(`Added group ${group.name} (${group.id}) from domain ${values.domain}`);

/**
 * Lists the roles with their descriptions and, with `--permits`, what each one permits.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_roles.ts [--permits]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_roles.ts [--permits]";

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
        permits: { type: "boolean", default: false },
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

const roles = await connection.systemService().rolesService().list();
for (const role of roles) {
  const kind = role.administrative ? "administrative" : "user";
  console.log(`${role.name} (${kind}): ${role.description ?? ""}`);
  if (values.permits === true) {
    const permits = await connection.followLink(role.permits!);
    console.log(`  permits: ${permits.map((permit) => permit.name).join(", ")}`);
  }
}

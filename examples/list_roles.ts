/**
 * Lists the roles with their descriptions and, with `--permits`, what each one permits.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/list_roles.ts [--permits]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import "./lib/refused.ts"; // the SDK's errors end the script with their message alone

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/list_roles.ts [--permits]";

const { values } = scriptArgs(USAGE, {
  permits: { type: "boolean", default: false },
});

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

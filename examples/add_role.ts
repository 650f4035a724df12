/**
 * Creates a role from a list of permits (what its holders may do). The API takes
 * permits by id; this example looks the ids up by name among the permits of the
 * built-in `SuperUser` role, which has them all.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_role.ts
 * [--name myrole] [--permits create_vm,login] [--administrative]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_role.ts [--name myrole] [--permits create_vm,login] [--administrative]";

const { values } = scriptArgs(USAGE, {
  name: { type: "string", default: "myrole" },
  permits: { type: "string", default: "create_vm,login" },
  administrative: { type: "boolean", default: false },
});

await using connection = new Connection(connectionOptionsFromEnv());
const rolesService = connection.systemService().rolesService();

const superUser = found(
  (await rolesService.list()).find((role) => role.name === "SuperUser"),
  "No SuperUser role",
);
const allPermits = await rolesService.roleService(superUser.id!).permitsService().list();

const wanted = String(values.permits).split(",").map((name) => name.trim());
const permits = wanted.map((name) => {
  const permit = found(
    allPermits.find((candidate) => candidate.name === name),
    `No permit named ${name}`,
  );
  return { id: permit.id };
});

const role = await rolesService.add({
  name: String(values.name),
  description: `Added by the add_role example: ${wanted.join(", ")}`,
  administrative: values.administrative === true,
  permits,
});
console.log(`Added role ${role.name} (${role.id}) with permits ${wanted.join(", ")}`);

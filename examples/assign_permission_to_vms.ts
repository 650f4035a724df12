/**
 * Gives a user a role on several virtual machines, e.g. `UserVmManager` so that the
 * user can run, change and remove them from the VM portal.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_permission_to_vms.ts
 * [--user admin@internal-authz] [--role UserVmManager] [--vms vm001,vm002,vm003]`
 *
 * @module
 */

import {
  Connection,
  connectionOptionsFromEnv,
  findByName,
  scriptArgs,
  searchQuery,
  where,
} from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_permission_to_vms.ts [--user admin@internal-authz] [--role UserVmManager] [--vms vm001,vm002,vm003]";

const { values } = scriptArgs(USAGE, {
  user: { type: "string", default: "admin@internal-authz" },
  role: { type: "string", default: "UserVmManager" },
  vms: { type: "string", default: "vm001,vm002,vm003" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const search = searchQuery(where.eq("usrname", values.user)).text;
const users = await systemService.usersService().list({ search });
const user = found(
  users.find((candidate) => candidate.userName === values.user),
  `No user ${values.user}`,
);

for (const name of String(values.vms).split(",")) {
  const vm = found(await findByName(vmsService, name), `No VM named ${name}`);
  await vmsService.vmService(vm.id!).permissionsService().add({
    user: { id: user.id },
    role: { name: String(values.role) },
  });
  console.log(`Gave ${user.userName} the role ${values.role} on VM ${vm.name}`);
}

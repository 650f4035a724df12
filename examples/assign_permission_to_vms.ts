/**
 * Gives a user a role on several virtual machines, e.g. `UserVmManager` so that the
 * user can run, change and remove them from the VM portal.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_permission_to_vms.ts
 * [--user admin@internal] [--role UserVmManager] [--vms vm001,vm002,vm003]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_permission_to_vms.ts [--user admin@internal] [--role UserVmManager] [--vms vm001,vm002,vm003]";

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
        user: { type: "string", default: "admin@internal" },
        role: { type: "string", default: "UserVmManager" },
        vms: { type: "string", default: "vm001,vm002,vm003" },
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
const systemService = connection.systemService();
const vmsService = systemService.vmsService();

const [user] = await systemService.usersService().list({ search: `usrname=${values.user}` });
if (!user) throw new Error(`No user ${values.user}`);

for (const name of String(values.vms).split(",")) {
  const [vm] = await vmsService.list({ search: `name=${name}` });
  if (!vm) throw new Error(`No VM named ${name}`);
  await vmsService.vmService(vm.id!).permissionsService().add({
    user: { id: user.id },
    role: { name: String(values.role) },
  });
  console.log(`Gave ${user.userName} the role ${values.role} on VM ${vm.name}`);
}

/**
 * Gives a user a role on one object: here a cluster, so that the user administers that
 * cluster (and what is in it) and nothing else.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_permission.ts
 * [--user admin@internal] [--role ClusterAdmin] [--cluster Production]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_permission.ts [--user admin@internal] [--role ClusterAdmin] [--cluster Production]";

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
        role: { type: "string", default: "ClusterAdmin" },
        cluster: { type: "string", default: "Production" },
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
const clustersService = systemService.clustersService();

const [user] = await systemService.usersService().list({ search: `usrname=${values.user}` });
if (!user) throw new Error(`No user ${values.user}`);
const [cluster] = await clustersService.list({ search: `name=${values.cluster}` });
if (!cluster) throw new Error(`No cluster named ${values.cluster}`);

// The permissions of an object are below it; the role can be given by name.
const permission = await clustersService.clusterService(cluster.id!).permissionsService().add({
  user: { id: user.id },
  role: { name: String(values.role) },
});
console.log(
  `Gave ${user.userName} the role ${values.role} on cluster ${cluster.name} (${permission.id})`,
);

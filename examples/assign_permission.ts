/**
 * Gives a user a role on one object: here a cluster, so that the user administers that
 * cluster (and what is in it) and nothing else.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/assign_permission.ts
 * [--user admin@internal-authz] [--role ClusterAdmin] [--cluster Production]`
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
  "Usage: deno run --allow-net --allow-env --allow-read examples/assign_permission.ts [--user admin@internal-authz] [--role ClusterAdmin] [--cluster Production]";

const { values } = scriptArgs(USAGE, {
  user: { type: "string", default: "admin@internal-authz" },
  role: { type: "string", default: "ClusterAdmin" },
  cluster: { type: "string", default: "Production" },
});

await using connection = new Connection(connectionOptionsFromEnv());
const systemService = connection.systemService();
const clustersService = systemService.clustersService();

const search = searchQuery(where.eq("usrname", values.user)).text;
const users = await systemService.usersService().list({ search });
const user = found(
  users.find((candidate) => candidate.userName === values.user),
  `No user ${values.user}`,
);
const cluster = found(
  await findByName(clustersService, values.cluster),
  `No cluster named ${values.cluster}`,
);

// The permissions of an object are below it; the role can be given by name.
const permission = await clustersService.clusterService(cluster.id!).permissionsService().add({
  user: { id: user.id },
  role: { name: String(values.role) },
});
console.log(
  `Gave ${user.userName} the role ${values.role} on cluster ${cluster.name} (${permission.id})`,
);

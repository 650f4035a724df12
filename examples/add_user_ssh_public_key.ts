/**
 * Adds an SSH public key to a user. The engine passes it to the VMs the user starts
 * with cloud-init, and the serial console proxy accepts it.
 *
 * Usage: `deno run --allow-net --allow-env --allow-read examples/add_user_ssh_public_key.ts
 * [--user admin@internal-authz] [--key-file ~/.ssh/id_ed25519.pub]`
 *
 * @module
 */

import { Connection, connectionOptionsFromEnv, scriptArgs, searchQuery, where } from "../mod.ts";
import { found } from "./lib/found.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_user_ssh_public_key.ts [--user admin@internal-authz] [--key-file ~/.ssh/id_ed25519.pub]";

const { values } = scriptArgs(USAGE, {
  user: { type: "string", default: "admin@internal-authz" },
  "key-file": { type: "string", default: `${Deno.env.get("HOME")}/.ssh/id_ed25519.pub` },
});

const content = (await Deno.readTextFile(String(values["key-file"]))).trim();

await using connection = new Connection(connectionOptionsFromEnv());
const usersService = connection.systemService().usersService();

// `usrname` is `login@directory` (`admin@internal-authz`, not the login profile `internal`);
// `name` would be the first name.
const search = searchQuery(where.eq("usrname", values.user)).text;
const users = await usersService.list({ search });
const user = found(
  users.find((candidate) => candidate.userName === values.user),
  `No user ${values.user}`,
);

const key = await usersService.userService(user.id!).sshPublicKeysService().add({ content });
const [type, , comment] = content.split(/\s+/);
console.log(
  `Added ${type} key ${key.id} to user ${user.userName}${comment ? ` (${comment})` : ""}`,
);

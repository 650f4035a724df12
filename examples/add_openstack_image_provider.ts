/**
 * Adds an OpenStack Glance image provider, authenticating through Keystone; its images
 * then show up in a storage domain of type `image` (see `list_glance_images.ts`).
 *
 * Usage: `deno run --allow-net --allow-env --allow-read
 * examples/add_openstack_image_provider.ts [--name myglance]
 * [--provider-url http://glance.example.com:9292]
 * [--authentication-url http://keystone.example.com:35357/v2.0]
 * [--provider-username admin] [--tenant admin]` (Keystone password: GLANCE_PASSWORD)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Connection, connectionOptionsFromEnv } from "../mod.ts";

const USAGE =
  "Usage: deno run --allow-net --allow-env --allow-read examples/add_openstack_image_provider.ts [--name myglance] [--provider-url http://glance.example.com:9292] [--authentication-url http://keystone.example.com:35357/v2.0] [--provider-username admin] [--tenant admin]";

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
        name: { type: "string", default: "myglance" },
        "provider-url": { type: "string", default: "http://glance.example.com:9292" },
        "authentication-url": { type: "string", default: "http://keystone.example.com:35357/v2.0" },
        "provider-username": { type: "string", default: "admin" },
        tenant: { type: "string", default: "admin" },
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

const provider = await connection.systemService().openstackImageProvidersService().add({
  name: String(values.name),
  description: "My Glance",
  url: String(values["provider-url"]),
  requiresAuthentication: true,
  authenticationUrl: String(values["authentication-url"]),
  username: String(values["provider-username"]),
  password: Deno.env.get("GLANCE_PASSWORD") ?? "",
  tenantName: String(values.tenant),
});
console.log(`Added image provider ${provider.name} (${provider.id}) at ${provider.url}`);
